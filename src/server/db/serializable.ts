// Transactions whose decision depends on rows they do not write (e.g. "is
// there another admin?") run SERIALIZABLE and are retried when the database
// aborts one of two conflicting transactions, so concurrent changes can never
// together break a rule that each checked alone.
import type { Db } from "./client";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const ATTEMPTS = 6;

function isSerializationFailure(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (
    e?.code === "P2034" ||
    e?.code === "40001" ||
    e?.code === "40P01" ||
    /could not serialize|deadlock detected|write conflict/i.test(e?.message ?? "")
  );
}

export async function serializable<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.$transaction(work, { isolationLevel: "Serializable", maxWait: 10_000, timeout: 15_000 });
    } catch (error) {
      if (attempt >= ATTEMPTS || !isSerializationFailure(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

export type { Tx };
