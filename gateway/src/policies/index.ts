/**
 * Every policy's handler, by name: what the gateway compiles pipelines
 * with. Adding a policy means a folder `policies/<name>/` with `schema.ts`
 * (options and docs), `index.ts` (the handler) and `index.test.ts`, plus
 * one line here and one in `schemas.ts`.
 */
import "./schemas.ts";
import type { PolicyDefinition } from "./types.ts";
import { definition as p0 } from "./cors/index.ts";
import { definition as p1 } from "./ip-filter/index.ts";
import { definition as p2 } from "./validate-jwt/index.ts";
import { definition as p3 } from "./check-header/index.ts";
import { definition as p4 } from "./rate-limit/index.ts";
import { definition as p5 } from "./rate-limit-by-key/index.ts";
import { definition as p6 } from "./quota/index.ts";
import { definition as p7 } from "./quota-by-key/index.ts";
import { definition as p8 } from "./limit-concurrency/index.ts";
import { definition as p9 } from "./validate-content/index.ts";
import { definition as p10 } from "./cache-lookup/index.ts";
import { definition as p11 } from "./mock-response/index.ts";
import { definition as p12 } from "./return-response/index.ts";
import { definition as p13 } from "./set-variable/index.ts";
import { definition as p14 } from "./choose/index.ts";
import { definition as p15 } from "./set-header/index.ts";
import { definition as p16 } from "./set-query-parameter/index.ts";
import { definition as p17 } from "./rewrite-uri/index.ts";
import { definition as p18 } from "./set-backend-service/index.ts";
import { definition as p19 } from "./json-to-xml/index.ts";
import { definition as p20 } from "./xml-to-json/index.ts";
import { definition as p21 } from "./forward-request/index.ts";
import { definition as p22 } from "./retry/index.ts";
import { definition as p23 } from "./cache-store/index.ts";

const all: PolicyDefinition[] = [
  p0 as unknown as PolicyDefinition,
  p1 as unknown as PolicyDefinition,
  p2 as unknown as PolicyDefinition,
  p3 as unknown as PolicyDefinition,
  p4 as unknown as PolicyDefinition,
  p5 as unknown as PolicyDefinition,
  p6 as unknown as PolicyDefinition,
  p7 as unknown as PolicyDefinition,
  p8 as unknown as PolicyDefinition,
  p9 as unknown as PolicyDefinition,
  p10 as unknown as PolicyDefinition,
  p11 as unknown as PolicyDefinition,
  p12 as unknown as PolicyDefinition,
  p13 as unknown as PolicyDefinition,
  p14 as unknown as PolicyDefinition,
  p15 as unknown as PolicyDefinition,
  p16 as unknown as PolicyDefinition,
  p17 as unknown as PolicyDefinition,
  p18 as unknown as PolicyDefinition,
  p19 as unknown as PolicyDefinition,
  p20 as unknown as PolicyDefinition,
  p21 as unknown as PolicyDefinition,
  p22 as unknown as PolicyDefinition,
  p23 as unknown as PolicyDefinition,
];

export const POLICY_DEFINITIONS: ReadonlyMap<string, PolicyDefinition> = new Map(all.map((d) => [d.name, d]));
