// Runs the Resend capture server on its own, for the browser tests:
//   tsx tests/support/resend-capture-server.ts --port 3199
import { parseArgs } from "node:util";
import { ResendCapture } from "./resend-capture";

const { values } = parseArgs({ options: { port: { type: "string", default: "3199" } } });
const capture = new ResendCapture();
capture.start(Number(values.port)).then((url) => console.log(`Resend capture server on ${url}`));
process.on("SIGTERM", () => void capture.stop().then(() => process.exit(0)));
