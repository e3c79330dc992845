// A component's text as a browser would show it: rendered on the server
// inside the pages' tRPC provider (no request is made), tags dropped.
import { createElement, type ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { TRPCReactProvider } from "@/trpc/react";

export function textOf(element: ReactElement): string {
  const html = renderToStaticMarkup(createElement(TRPCReactProvider, null, element));
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
