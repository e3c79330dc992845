// npm run db:migrate — applies pending migrations to DATABASE_URL's database.
import { ConfigError, parseConfig } from "../src/env";
import { migrate } from "../src/server/db/migrate";

migrate(parseConfig(process.env).DATABASE_URL).catch((error) => {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
});
