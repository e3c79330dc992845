// The app router, its type (the only thing the browser imports) and createCaller.
import { createCallerFactory, router } from "./trpc";
import { sessionRouter } from "./routers/session";
import { userRouter } from "./routers/user";
import { adminRouter } from "./routers/admin";

export const appRouter = router({
  session: sessionRouter,
  user: userRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
