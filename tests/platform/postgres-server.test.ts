// The PostgreSQL server a run uses (scripts/postgres-server.ts): an embedded
// one when nothing answers, stopped without a trace, even when its parent is
// killed; and the test workers really use the one the global setup chose.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { findOrStartPostgres, probePostgres } from "../../scripts/postgres-server";
import { testDbKind } from "../support/databases";
import { createTestApp } from "../support/test-app";

/** A port where nothing listens. */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 300 && !condition(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!condition()) throw new Error(`still not so after 30 s: ${what}`);
}

// Each starts a server of its own: run once (in the sqlite project), not once per database.
describe.runIf(testDbKind() === "sqlite")("an embedded PostgreSQL when nothing answers", () => {
  it("starts one with pg_trgm and unaccent, uses an answering server as it is, and stop leaves no process and no folder", async () => {
    const wanted = `postgresql://postgres@127.0.0.1:${await deadPort()}/postgres`;
    const server = await findOrStartPostgres({ url: wanted, explicit: true }, { disposable: true });
    const embedded = server.embedded!;
    try {
      expect(embedded).not.toBeNull();
      expect(server.url).not.toBe(wanted);
      expect(server.description).toMatch(/^embedded PostgreSQL 18\.\d+ .*nothing answers: ECONNREFUSED/);
      expect(alive(embedded.pid)).toBe(true);
      expect(fs.existsSync(embedded.dataDir)).toBe(true);

      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      try {
        await client.query("CREATE EXTENSION pg_trgm; CREATE EXTENSION unaccent");
        const { rows } = await client.query("SELECT similarity(unaccent('Élodie Müller'), 'elodie muller') AS s, lower('ÉCOLE') AS l");
        expect(rows[0]).toEqual({ s: 1, l: "école" });
      } finally {
        await client.end();
      }

      // A server that answers is used as it is: nothing more is started.
      const again = await findOrStartPostgres({ url: server.url, explicit: true });
      expect(again.embedded).toBeNull();
      expect(again.url).toBe(server.url);
      // One that answers but refuses, at a URL given on purpose, is an error to fix.
      const wrongDatabase = server.url.replace(/\/postgres$/, "/no_such_database");
      await expect(findOrStartPostgres({ url: wrongDatabase, explicit: true })).rejects.toThrow(/answered but refused: .*no_such_database/);
    } finally {
      await server.stop();
    }
    expect(alive(embedded.pid)).toBe(false);
    expect(fs.existsSync(embedded.dataDir)).toBe(false);
    expect((await probePostgres(server.url)).ok).toBe(false);
  });

  it("a parent killed with SIGKILL leaves no server and no folder behind", async () => {
    const code = `
      const module = await import("./scripts/postgres-server.ts");
      const { startEmbeddedPostgres } = module.default ?? module;
      const server = await startEmbeddedPostgres({ disposable: true });
      console.log(JSON.stringify({ pid: server.pid, dataDir: server.dataDir }));
      setInterval(() => undefined, 1000);`;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const started = await new Promise<{ pid: number; dataDir: string }>((resolve, reject) => {
      let out = "";
      parent.stdout!.on("data", (c: Buffer) => {
        out += c;
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]!));
      });
      parent.once("exit", (status) => reject(new Error(`the parent ended first (${status})`)));
    });
    expect(alive(started.pid)).toBe(true);
    parent.kill("SIGKILL");
    await until(() => !alive(started.pid), "PostgreSQL stopped");
    await until(() => !fs.existsSync(started.dataDir), "its folder removed");
  });
});

describe.runIf(testDbKind() === "postgres")("the test workers' PostgreSQL", () => {
  it("is the server the global setup chose and told the workers", async () => {
    const chosen = inject("postgresAdminUrl");
    expect(chosen).toMatch(/^postgres(ql)?:\/\//);
    const app = await createTestApp();
    try {
      const used = new URL(app.config.DATABASE_URL);
      expect(`${used.hostname}:${used.port}`).toBe(`${new URL(chosen).hostname}:${new URL(chosen).port}`);
      expect(await app.db.user.count()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
