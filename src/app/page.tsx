import Link from "next/link";
import { Alert } from "@/components/form";

export default async function HomePage(props: { searchParams: Promise<{ deleted?: string }> }) {
  const { deleted } = await props.searchParams;
  return (
    <section className="hero">
      {deleted ? <Alert tone="success">Your account was deleted. Goodbye!</Alert> : null}
      <h1>Your school account</h1>
      <p>One account for your classes and learning tools. Teachers join with the invitation their school sent them.</p>
      <div className="actions">
        <Link className="button" href="/register">
          Create account
        </Link>
        <Link className="button secondary" href="/login">
          Log in
        </Link>
      </div>
    </section>
  );
}
