/**
 * Puts the portal's data on `Astro.locals.portico` for every page, so that
 * components and a theme's overrides read it the same way.
 */
import { defineMiddleware } from "astro:middleware";
import { getSite } from "./lib/site.ts";

export const onRequest = defineMiddleware(async (context, next) => {
  context.locals.portico = await getSite();
  return next();
});
