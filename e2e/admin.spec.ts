import { expect, test } from "@playwright/test";
import { ageSessionsOf, createAdmin, freshEmail, PASSWORD } from "./support/accounts";
import { alertOf, logIn, logOut, openTab, register, registerVerifiedStudent, WRONG_LOG_IN } from "./support/pages";
import { enrolAuthenticatorApp, logInWithCode } from "./support/second-factors";

test("admin invites a teacher, the teacher flags a student, the student never sees the spammer flag", async ({ page }) => {
  const adminEmail = freshEmail("admin");
  createAdmin(adminEmail, "Ada Admin");
  const teacherEmail = freshEmail("teacher");
  const studentEmail = freshEmail("student");
  const studentName = `Stu ${Date.now()}`;

  // The admin creates a teacher token for the teacher's address only; it is shown once. Admins set up
  // two-step verification before they use the dashboard (MFA_REQUIRED_FOR).
  await logIn(page, adminEmail);
  await expect(page).toHaveURL(/\/account$/);
  const { app } = await enrolAuthenticatorApp(page);
  await page.getByRole("link", { name: "Admin dashboard" }).click();
  await expect(page.getByRole("heading", { name: "Admin dashboard" })).toBeVisible();
  await openTab(page, "Teacher tokens");
  await page.getByLabel("Note (optional)").fill("Science department");
  await page.getByRole("radio", { name: "One email address" }).check();
  await page.getByLabel("Teacher's email address").fill(teacherEmail.toUpperCase());
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByLabel("New teacher token").textContent())!.trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expect(page.getByRole("status").filter({ hasText: "Copy this token now" })).toContainText(`for ${teacherEmail} only`);
  const tokens = page.getByRole("list", { name: "Teacher tokens" });
  await expect(tokens).toContainText("Science department");
  await expect(tokens).toContainText(`for ${teacherEmail} only · 0 of 1 used`);
  await logOut(page);

  // Someone else holding the token cannot claim another address with it.
  await register(page, freshEmail("claimant"), "Carl Claimant", token);
  await expect(page.getByText("meant for another email address")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Your teacher account is ready" })).toHaveCount(0);

  // The teacher registers with it; a student registers and confirms.
  await register(page, teacherEmail, "Tess Teacher", token);
  await expect(page.getByRole("heading", { name: "Your teacher account is ready" })).toBeVisible();
  await registerVerifiedStudent(page, studentEmail, studentName);
  await logOut(page);

  // The teacher marks the student privileged and a report spammer.
  await logIn(page, teacherEmail);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(studentEmail);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("listitem", { name: studentName });
  await expect(row).toBeVisible();
  await row.getByRole("switch", { name: `Privileged student for ${studentName}` }).check();
  await expect(row.getByRole("switch", { name: `Privileged student for ${studentName}` })).toBeChecked();
  await row.getByRole("switch", { name: `Report spammer for ${studentName}` }).check();
  await expect(row.getByRole("switch", { name: `Report spammer for ${studentName}` })).toBeChecked();
  // Teacher and admin flags are not the teacher's to change, and say why.
  await expect(row.getByRole("switch", { name: `Teacher for ${studentName}` })).toBeDisabled();
  await expect(row).toContainText("Only admins can change this");
  // Who has two-step verification is the admins' to see: no filter, no badge for a teacher.
  await expect(page.getByLabel("Two-step verification")).toHaveCount(0);
  await expect(row).not.toContainText("two-step");
  await logOut(page);

  // The student sees the privilege but never the spammer flag.
  await logIn(page, studentEmail);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByLabel("Your roles")).toHaveText("Privileged student");
  await expect(page.getByText(/spammer/i)).toHaveCount(0);
  const info = await page.evaluate(async () => {
    const res = await fetch("/api/trpc/user.info");
    return res.json();
  });
  expect(info.result.data).toMatchObject({ privilegedStudent: true, reportSpammer: false });
  // Students are refused the dashboard with a 403 page.
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "You do not have access to this page" })).toBeVisible();
  await logOut(page);

  // The admin's own report-spammer toggle is disabled, and the API refuses it.
  await logInWithCode(page, adminEmail, app);
  await expect(page).toHaveURL(/\/account$/);
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(adminEmail);
  await page.getByRole("button", { name: "Search" }).click();
  const own = page.getByRole("listitem", { name: "Ada Admin" });
  await expect(own.getByRole("switch", { name: "Report spammer for Ada Admin" })).toBeDisabled();
  await expect(own).toContainText("Nobody can change their own report-spammer flag");
  const refused = await page.evaluate(async () => {
    const res = await fetch("/api/trpc/admin.setFlags", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ reportSpammer: true }),
    });
    return { status: res.status, body: await res.json() };
  });
  expect(refused.status).toBe(403);
  expect(refused.body.error.data.appCode).toBe("SELF_REPORT_SPAMMER");

  // The dashboard does not offer deleting oneself, and the API refuses it.
  await own.getByRole("button", { name: "Manage Ada Admin" }).click();
  const panel = page.getByRole("region", { name: "Manage Ada Admin" });
  await expect(panel).toContainText("To delete it, use “Delete account” on your account page");
  await expect(panel.getByRole("button", { name: /Delete/ })).toHaveCount(0);
  const ownId = (await panel.locator("code").textContent())!.trim();
  const selfDelete = await page.evaluate(async (userId) => {
    const res = await fetch("/api/trpc/admin.deleteUser", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId }),
    });
    return { status: res.status, body: await res.json() };
  }, ownId);
  expect(selfDelete.status).toBe(403);
  expect(selfDelete.body.error.data.appCode).toBe("SELF_DELETE");

  // The audit log shows the teacher's changes.
  await openTab(page, "Audit log");
  await expect(page.getByRole("list", { name: "Audit entries" })).toContainText(
    `Tess Teacher <${teacherEmail}> set Report spammer of ${studentEmail} from false to true`,
  );
});

test("an admin sees a user's recent security events in the user panel, newest first", async ({ page, browser }) => {
  const adminEmail = freshEmail("events-admin");
  createAdmin(adminEmail, "Eve Admin");
  const studentEmail = freshEmail("events-student");
  const studentName = `Sol ${Date.now()}`;

  // The student, in a browser of their own: confirms the address (which logs in), logs out, mistypes the
  // password, logs in and stays.
  const studentBrowser = await browser.newContext();
  const student = await studentBrowser.newPage();
  await registerVerifiedStudent(student, studentEmail, studentName);
  await logOut(student);
  await logIn(student, studentEmail, "not my password at all");
  await expect(alertOf(student)).toBeVisible();
  await logIn(student, studentEmail);
  await expect(student).toHaveURL(/\/account$/);

  await logIn(page, adminEmail);
  await expect(page).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(page);
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(studentEmail);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: `Manage ${studentName}` }).click();
  const panel = page.getByRole("region", { name: `Manage ${studentName}` });
  await expect(panel.getByRole("heading", { name: "Recent security events" })).toBeVisible();
  const events = panel.getByRole("list", { name: "Security events" }).getByRole("listitem");
  await expect(events).toHaveText([
    /Logged in.*from 127\.0\.0\.1 · Chrome on Windows \(desktop\)/,
    /Log-in failed: wrong password.*from 127\.0\.0\.1/,
    /Logged out.*from 127\.0\.0\.1/,
    /Logged in by opening a mailed link.*from 127\.0\.0\.1/,
  ]);

  // Ending the student's sessions shows at once, naming the admin by name and address.
  await panel.getByRole("button", { name: "Log out everywhere" }).click();
  await expect(panel.getByText("1 session ended.")).toBeVisible();
  await expect(events.first()).toHaveText(
    new RegExp(`Logged out everywhere \\(1 session ended\\).*by Eve Admin <${adminEmail.replace(/[.+]/g, "\\$&")}>`),
  );
  await expect(events).toHaveCount(5);
  await student.reload();
  await expect(student).toHaveURL(/\/login/);
  await studentBrowser.close();
});

// Granting admin and deleting an account need a proof no older than 10
// minutes: a stolen admin session must not make its thief an admin for good.
test("an admin whose last proof is over 10 minutes old gives their password before granting admin or deleting", async ({
  page,
  browser,
}) => {
  const adminEmail = freshEmail("proof-admin");
  createAdmin(adminEmail, "Pia Admin");
  const studentEmail = freshEmail("proof-student");
  const studentName = `Ruth ${Date.now()}`;
  const studentBrowser = await browser.newContext();
  await registerVerifiedStudent(await studentBrowser.newPage(), studentEmail, studentName);
  await studentBrowser.close();

  await logIn(page, adminEmail);
  await expect(page).toHaveURL(/\/account$/);
  await enrolAuthenticatorApp(page);
  ageSessionsOf(adminEmail, 11);
  await page.goto("/admin");
  await page.getByLabel("Search users by name or email").fill(studentEmail);
  await page.getByRole("button", { name: "Search" }).click();
  const row = page.getByRole("listitem", { name: studentName });
  const adminSwitch = row.getByRole("switch", { name: `Admin for ${studentName}` });
  // Not check(): the switch turns back while the password is asked for.
  await adminSwitch.click();
  const confirm = row.getByRole("form", { name: "Confirm it’s you" });
  await expect(confirm).toContainText(`Enter your password to give ${studentName} admin rights.`);
  await expect(adminSwitch).not.toBeChecked();
  await confirm.getByLabel("Your password").fill("not my password at all");
  await confirm.getByRole("button", { name: "Give admin rights" }).click();
  await expect(confirm.getByRole("alert")).toHaveText("Your current password is not correct.");
  await expect(adminSwitch).not.toBeChecked();
  await confirm.getByLabel("Your password").fill(PASSWORD);
  await confirm.getByRole("button", { name: "Give admin rights" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(confirm).toHaveCount(0);
  await expect(adminSwitch).toBeChecked();

  // The proof restarted the 10 minutes; once they have passed, deleting asks again.
  await adminSwitch.uncheck();
  await expect(adminSwitch).not.toBeChecked();
  ageSessionsOf(adminEmail, 11);
  await row.getByRole("button", { name: `Manage ${studentName}` }).click();
  const panel = page.getByRole("region", { name: `Manage ${studentName}` });
  await panel.getByRole("button", { name: "Delete user" }).click();
  await panel.getByRole("button", { name: `Yes, delete ${studentName}` }).click();
  const again = panel.getByRole("form", { name: "Confirm it’s you" });
  await expect(again).toContainText(`Enter your password to delete ${studentName}.`);
  await again.getByLabel("Your password").fill(PASSWORD);
  await again.getByRole("button", { name: `Delete ${studentName}` }).click();
  await expect(page.getByText(`${studentName} was deleted.`)).toBeVisible();
  await expect(page.getByRole("listitem", { name: studentName })).toHaveCount(0);
});

test("anonymous visitors are sent to log in, and come back to the dashboard after", async ({ page }) => {
  const adminEmail = freshEmail("admin2");
  createAdmin(adminEmail, "Second Admin");
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin$/);
  await page.getByLabel("Email address").fill(adminEmail);
  await page.getByLabel("Password").fill("a long and memorable passphrase");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/admin$/);
});

test("account page: change name, ask for a new email, change password, delete the account", async ({ page }) => {
  const email = freshEmail("self");
  await registerVerifiedStudent(page, email, "Sally Self");
  await page.getByLabel("Your name", { exact: true }).fill("Sally Renamed");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your name was saved." })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Hello, Sally Renamed" })).toBeVisible();

  // Changing the address needs the password; "Cancel the change" drops it.
  const next = freshEmail("moved");
  await page.getByLabel("New email address").fill(next);
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText("Enter your current password to change your email address.")).toBeVisible();
  await page.getByLabel("Confirm with your password").fill("a long and memorable passphrase");
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(`Waiting for confirmation: ${next}`)).toBeVisible();
  await page.getByRole("button", { name: "Cancel the change" }).click();
  await expect(page.getByText("The change was cancelled; its link no longer works.")).toBeVisible();
  await expect(page.getByText(`Waiting for confirmation: ${next}`)).toBeHidden();
  await page.getByLabel("New email address").fill(next);
  await page.getByLabel("Confirm with your password").fill("a long and memorable passphrase");
  await page.getByRole("button", { name: "Change email" }).click();
  await expect(page.getByText(`Waiting for confirmation: ${next}`)).toBeVisible();

  await page.getByLabel("Current password").fill("wrong password for sure");
  await page.getByLabel("New password").fill("an entirely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(alertOf(page)).toContainText("Your current password is not correct.");
  await page.getByLabel("Current password").fill("a long and memorable passphrase");
  await page.getByLabel("New password").fill("an entirely new passphrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Your password was changed." })).toBeVisible();
  // The new password voided the pending address.
  await expect(page.getByText(`Waiting for confirmation: ${next}`)).toBeHidden();

  await page.getByLabel("Type your password to confirm").fill("an entirely new passphrase");
  await page.getByRole("button", { name: "Delete account" }).click();
  await expect(page.getByText("Your account was deleted.")).toBeVisible();
  await logIn(page, email, "an entirely new passphrase");
  await expect(alertOf(page)).toHaveText(WRONG_LOG_IN);
});
