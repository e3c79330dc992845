// Development mailbox: the mail the app kept because no RESEND_API_KEY is set.
// Never served when NODE_ENV=production.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { services } from "@/server/next/page-services";
import { listKeptMail } from "@/server/services/dev-mailbox";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Development mailbox", robots: { index: false } };

export default async function MailboxPage() {
  if (process.env.NODE_ENV === "production") notFound();
  const s = services();
  const { config } = s;
  const mails = await listKeptMail(s);
  return (
    <section className="mailbox">
      <h1>Development mailbox</h1>
      <p className="lead">
        The latest 50 mails the app kept instead of sending them (for {config.MAIL_RETENTION_DAYS} days). Set RESEND_API_KEY to send real
        mail.
      </p>
      {mails.length === 0 ? <p>No mail yet.</p> : null}
      {mails.map((mail) => (
        <article className="mail" key={mail.id}>
          <h2>{mail.subject}</h2>
          <p className="meta">
            To {mail.to} · {mail.createdAt.toISOString()} · {mail.status}
          </p>
          <pre>{mail.text}</pre>
        </article>
      ))}
    </section>
  );
}
