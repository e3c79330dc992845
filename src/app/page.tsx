import Link from "next/link";

export default function HomePage() {
  return (
    <section className="hero">
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
