// A component's text as a browser would show it: rendered on the server
// inside the pages' tRPC provider (no request is made), tags dropped.
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { Me } from "@/shared/schemas/user";
import { TRPCReactProvider } from "@/trpc/react";

/** The signed-in user a page receives: a confirmed student unless told otherwise. */
export function pageUser(fields: Partial<Me> = {}): Me {
  return {
    id: "u1",
    name: "Pat",
    email: "pat@school.example",
    emailVerified: true,
    pendingEmail: null,
    createdAt: new Date(0).toISOString(),
    teacher: false,
    admin: false,
    privilegedStudent: false,
    ...fields,
  };
}

export function textOf(element: ReactElement): string {
  const html = renderToStaticMarkup(createElement(TRPCReactProvider, null, element));
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
