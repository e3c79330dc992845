// The appCode table as Markdown, for docs/errors.md (and its test).
import { APP_CODES, APP_ERRORS } from "./app-codes";

export function appCodesMarkdownTable(): string {
  const rows = APP_CODES.map((code) => {
    const { trpcCode, httpStatus, when } = APP_ERRORS[code];
    return `| \`${code}\` | \`${trpcCode}\` | ${httpStatus} | ${when} |`;
  });
  return ["| appCode | tRPC code | HTTP | When |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
