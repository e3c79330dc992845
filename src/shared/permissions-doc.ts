// The permission table as Markdown, for docs/permissions.md (and its test).
import { ACTIONS, PERMISSIONS, ROLE_LABELS, type Role } from "./permissions";

const ROLES: Role[] = ["student", "privilegedStudent", "teacher", "admin"];
const CELL = { anyone: "yes", students: "on students" } as const;

export function permissionsMarkdownTable(): string {
  const header = `| Action | ${ROLES.map((r) => ROLE_LABELS[r]).join(" | ")} |`;
  const rule = `| --- | ${ROLES.map(() => "---").join(" | ")} |`;
  const rows = ACTIONS.map((action) => {
    const cells = ROLES.map((role) => {
      const scope = PERMISSIONS[action][role];
      return scope ? CELL[scope] : "no";
    });
    return `| \`${action}\` | ${cells.join(" | ")} |`;
  });
  return [header, rule, ...rows].join("\n");
}
