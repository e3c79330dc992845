"use client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { httpBatchLink } from "@trpc/client";
import { createTRPCReact } from "@trpc/react-query";
// The browser's tRPC client: React Query hooks over plain JSON (no transformer).
import { type ReactNode, useState } from "react";
import type { AppRouter } from "@/server/api/root";
import { MAX_CALLS_PER_BATCH } from "@/shared/request-limits";

export const api = createTRPCReact<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Auth state must be fresh; a refused call is not worth retrying.
      queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0 },
      mutations: { retry: false },
    },
  });
}

export function TRPCReactProvider(props: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [client] = useState(() => api.createClient({ links: [httpBatchLink({ url: "/api/trpc", maxItems: MAX_CALLS_PER_BATCH })] }));
  return (
    <api.Provider client={client} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{props.children}</QueryClientProvider>
    </api.Provider>
  );
}
