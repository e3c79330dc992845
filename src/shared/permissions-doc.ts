// docs/permissions.md, generated in full from src/shared/permissions.ts: the
// roles, the flags, the table and the rules above it. `npm run
// docs:permissions` writes it; a test fails when the file differs.
import {
  ACTIONS,
  FLAG_ACTION,
  FLAG_LABELS,
  FLAG_NAMES,
  FLAG_RULES,
  PERMISSIONS,
  ROLE_FLAGS,
  ROLE_LABELS,
  ROLES,
  SERVICE_RULES,
} from "./permissions";

const CELL = { anyone: "yes", students: "on students" } as const;

function actionsTable(): string {
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

function flagsTable(): string {
  const rows = FLAG_NAMES.map(
    (flag) =>
      `| \`${flag}\` | ${FLAG_LABELS[flag]} | ${(ROLE_FLAGS as readonly string[]).includes(flag) ? "yes" : "no"} | \`${FLAG_ACTION[flag]}\` |`,
  );
  return ["| Flag | Shown as | Gives a role | Changed under |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function roleSentence(): string {
  const strongestFirst = [...ROLES].reverse();
  const parts = strongestFirst.map((role) => (role === "student" ? `**${ROLE_LABELS[role]}**` : `**${ROLE_LABELS[role]}** (\`${role}\`)`));
  return `A caller's role is the strongest of their flags: ${parts.join(", else ")}.`;
}

export function permissionsMarkdown(): string {
  return `# Permissions

<!-- Generated from src/shared/permissions.ts by \`npm run docs:permissions\`: edit that file, not this one. -->

Who may do what is written once, as data, in \`src/shared/permissions.ts\`. The
services enforce it, the pages use it to enable controls (and to say why a
control is disabled), and the tests walk it. This whole page is generated from
that file (\`npm run docs:permissions\`); a test fails if it drifts.

${roleSentence()} "On students" means only on users who are neither teacher nor admin.

## Flags

${flagsTable()}

## Who may do what

${actionsTable()}

## Rules above the table

A flag change passes the rules first, then the table; each rule sees who
asks, on whom, which flag and the value asked for.

${[...FLAG_RULES.map((r) => r.doc), ...SERVICE_RULES].map((text) => `- ${text}`).join("\n")}

## Two factors to act on others

Every action of the table, and \`user.info\` about another user, also needs a
session with two factors (\`aal2\`) from a user whose role \`MFA_REQUIRED_FOR\`
lists (default \`admin\`; see docs/configuration.md): with one factor they get
\`SECOND_FACTOR_REQUIRED\` until they set up two-step verification. \`resetSecondFactors\`
needs an \`aal2\` session whatever the setting says.

## A fresh proof for the most lasting changes

Granting the \`admin\` flag (\`admin.setFlags\` and seed 002's \`/user/update\`),
\`deleteUsers\` and \`resetSecondFactors\` also need the caller to have proved who
they are within the last 10 minutes: the password or an authenticator-app code
in the request (\`password\`, \`code\`), or a session that gave one that
recently; otherwise \`REAUTHENTICATION_REQUIRED\` and nothing changes. A stolen
admin session could otherwise make its thief's own account an admin for good,
or delete and strip other accounts. Whoever may not take the action at all is
told \`NOT_PERMITTED\` first. Other flag changes and demotions need no proof.

## Everyone with a session

\`user.get\`, \`user.update\`, \`user.delete\` (own account, with the password),
\`user.permissions\`, \`user.info\` about themselves, and their own two-step
verification and passkeys (\`user.secondFactors\`, \`user.startTotp\` and the rest).
`;
}
