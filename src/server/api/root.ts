// The app router, its type (the only thing the browser imports) and createCaller.

import { adminRouter } from "./routers/admin";
import { sessionRouter } from "./routers/session";
import { userRouter } from "./routers/user";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  session: sessionRouter,
  user: userRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
