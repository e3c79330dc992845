// The app router, its type (the only thing the browser imports) and createCaller.
import { createCallerFactory, router } from "./trpc";
import { sessionRouter } from "./routers/session";
import { userRouter } from "./routers/user";

export const appRouter = router({
  session: sessionRouter,
  user: userRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
