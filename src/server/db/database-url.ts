// Which database a DATABASE_URL names. Shared by the Prisma CLI config,
// the runtime client and the scripts, so they always agree.
export const DEFAULT_DATABASE_URL = "file:./data/app.db";

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith("file:")) return "sqlite";
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) return "postgres";
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)");
}
