// One table gives every appCode its HTTP status and tRPC code
// (src/shared/app-codes.ts): the tRPC API and the HTTP routes answer what it
// says, whoever throws, and docs/errors.md is generated from it.
import fs from "node:fs";
import path from "node:path";
import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createContextInner, publicProcedure, router } from "@/server/api/trpc";
import { defaultAppCode } from "@/server/api/trpc-app-error";
import { AppError } from "@/server/app-error";
import { route, routeTableApi } from "@/server/http/json-routes";
import { APP_CODES, APP_ERRORS, type AppCode } from "@/shared/app-codes";
import { appCodesMarkdownTable } from "@/shared/app-codes-table";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const tRPCStatusOf = (code: TRPC_ERROR_CODE_KEY) => getHTTPStatusCodeFromError(new TRPCError({ code }));

describe("the error table", () => {
  it("docs/errors.md shows exactly the table the code uses", () => {
    expect(fs.readFileSync("docs/errors.md", "utf8")).toContain(appCodesMarkdownTable());
  });

  it.each(APP_CODES)("%s: tRPC answers its tRPC code with its HTTP status", (code) => {
    const { trpcCode, httpStatus } = APP_ERRORS[code];
    expect(tRPCStatusOf(trpcCode)).toBe(httpStatus);
  });

  it("the errors tRPC raises itself get an appCode of the same tRPC code and status (or INTERNAL_ERROR)", () => {
    for (const trpcCode of Object.keys(TRPC_ERROR_CODES_BY_KEY) as TRPC_ERROR_CODE_KEY[]) {
      const appCode = defaultAppCode(trpcCode);
      if (appCode === "INTERNAL_ERROR") continue;
      expect(`${trpcCode} → ${appCode} ${APP_ERRORS[appCode].httpStatus}`).toBe(`${trpcCode} → ${appCode} ${tRPCStatusOf(trpcCode)}`);
    }
  });

  it("no server module outside the tRPC adapter (src/server/api) knows tRPC", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (file !== "src/server/api" && file !== "src/server/db/generated") walk(file);
        } else if (/\.tsx?$/.test(entry.name) && /from "@trpc\//.test(fs.readFileSync(file, "utf8"))) offenders.push(file);
      }
    };
    walk("src/server");
    expect(offenders).toEqual([]);
  });
});

// An AppError of every appCode, thrown where a service would throw it.
const thrown = (code: AppCode) => new AppError(code, `thrown as ${code}`);

describe("every appCode answers its table's status on every API", () => {
  it("tRPC over HTTP: status, error.data.code and appCode", async () => {
    const throwing = router(
      Object.fromEntries(
        APP_CODES.map((code) => [
          code,
          publicProcedure.query(() => {
            throw thrown(code);
          }),
        ]),
      ),
    );
    const answers: string[] = [];
    const expected: string[] = [];
    for (const code of APP_CODES) {
      const req = new Request(`http://localhost:3000/api/trpc/${code}`);
      const res = await fetchRequestHandler({
        endpoint: "/api/trpc",
        req,
        router: throwing,
        createContext: ({ resHeaders }) => createContextInner({ services: app.services, headers: req.headers, resHeaders }),
      });
      const body = (await res.json()) as { error: { data: { code: string; httpStatus: number; appCode: string } } };
      answers.push(`${code}: ${res.status} ${body.error.data.httpStatus} ${body.error.data.code} ${body.error.data.appCode}`);
      const { httpStatus, trpcCode } = APP_ERRORS[code];
      expected.push(`${code}: ${httpStatus} ${httpStatus} ${trpcCode} ${code}`);
    }
    expect(answers).toEqual(expected);
  });

  it("tRPC's caller: the tRPC code, with the AppError as the cause", async () => {
    const throwing = router({
      refuse: publicProcedure.input(z.enum(APP_CODES)).query(({ input }) => {
        throw thrown(input);
      }),
    });
    const caller = throwing.createCaller(createContextInner({ services: app.services, headers: new Headers() }));
    for (const code of APP_CODES) {
      const error = await caller.refuse(code).catch((e: unknown) => e as TRPCError & { appCode: string });
      expect({ code: error.code, appCode: error.appCode, cause: error.cause }).toEqual({
        code: APP_ERRORS[code].trpcCode,
        appCode: code,
        cause: expect.objectContaining({ appCode: code, message: `thrown as ${code}` }),
      });
    }
  });

  it("the HTTP routes: status and the envelope's code", async () => {
    const routes = APP_CODES.map((code) =>
      route({
        method: "GET",
        path: `/${code}`,
        operationId: `refuse${code}`,
        summary: code,
        description: code,
        output: z.object({}),
        errorBody: z.object({ code: z.string() }),
        errors: [code],
        auth: "none",
        handle: async () => {
          throw thrown(code);
        },
        success: (data) => data,
        failure: (error) => ({ code: error.appCode }),
      }),
    );
    const api = routeTableApi("/refusals", routes, (error: AppError) => ({ code: error.appCode }), app.services);
    const handle = (request: Request) => api.handle(request);
    const answers: string[] = [];
    for (const code of APP_CODES) {
      const res = await handle(new Request(`http://localhost:3000/refusals/${code}`));
      answers.push(`${code}: ${res.status} ${((await res.json()) as { code: string }).code}`);
    }
    expect(answers).toEqual(APP_CODES.map((code) => `${code}: ${APP_ERRORS[code].httpStatus} ${code}`));
  });
});
