/// <reference types="astro/client" />

declare module "virtual:portico/components/*" {
  const component: (props: Record<string, unknown>) => unknown;
  export default component;
}

declare module "virtual:portico/defaults/*" {
  const component: (props: Record<string, unknown>) => unknown;
  export default component;
}

declare module "virtual:portico/theme.css";

declare namespace App {
  interface Locals {
    portico: import("./lib/site.ts").Site;
  }
}
