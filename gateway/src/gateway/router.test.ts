import { describe, expect, it } from "vitest";
import { compileRouter, queryValue, takeQueryParam } from "./router.ts";
import { api, catalog, op, product, version } from "./test-catalog.ts";

const fleet = api("fleet", "/fleet", [
  version("", "http://backend:9000/fleet/", [
    op("get", "/drones", "listDrones"),
    op("get", "/drones/{droneId}", "getDrone"),
    op("get", "/drones/active", "listActive"),
    op("post", "/drones/{droneId}/missions", "createMission"),
    op("get", "/files/{name}.{ext}", "getFile"),
  ]),
]);
const weather = api(
  "weather",
  "/weather",
  [version("v1", "http://backend:9000/weather/v1", [op("get", "/forecast", "getForecastV1")]), version("v2", "http://backend:9000/weather/v2", [op("get", "/forecast", "getForecastV2")])],
  { versioning: { scheme: "path", name: "", default: undefined } },
);
const byHeader = api(
  "maps",
  "/geo/maps",
  [version("2024-01", "http://maps:1/", [op("get", "/tiles", "tilesOld")]), version("2025-06", "http://maps:1/", [op("get", "/tiles", "tilesNew")])],
  { versioning: { scheme: "header", name: "Api-Version", default: "2025-06" } },
);
const byQuery = api("search", "/search", [version("1", "http://s:1", [op("get", "/", "searchRoot")])], {
  versioning: { scheme: "query", name: "api-version", default: undefined },
});
const router = compileRouter(catalog([fleet, weather, byHeader, byQuery], [product("p", ["fleet", "weather", "maps", "search"])]));
const noHeader = () => undefined;

function matched(method: string, path: string, query = "", header: (n: string) => string | undefined = noHeader) {
  const r = router.match(method, path, header, query);
  if (r.kind !== "matched") throw new Error(`expected a match for ${method} ${path}, got ${r.kind}`);
  return r;
}

describe("router: happy paths", () => {
  it("matches the API by prefix and the operation by method and template", () => {
    const r = matched("GET", "/fleet/drones/d-42");
    expect(r.operation.id).toBe("getDrone");
    expect(r.params).toEqual({ droneId: "d-42" });
    expect(r.backendPath).toBe("/drones/d-42");
    expect(r.version.basePath).toBe("/fleet");
    expect(r.version.origin).toBe("http://backend:9000");
  });

  it("prefers literal segments over parameters", () => {
    expect(matched("GET", "/fleet/drones/active").operation.id).toBe("listActive");
    expect(matched("POST", "/fleet/drones/active/missions").operation.id).toBe("createMission");
  });

  it("matches segments that mix literals and parameters", () => {
    const r = matched("GET", "/fleet/files/report.pdf");
    expect(r.operation.id).toBe("getFile");
    expect(r.params).toEqual({ name: "report", ext: "pdf" });
  });

  it("treats a trailing slash like none for matching, and forwards it", () => {
    const r = matched("GET", "/fleet/drones/");
    expect(r.operation.id).toBe("listDrones");
    expect(r.backendPath).toBe("/drones/");
  });

  it("decodes segments for matching but forwards the raw encoding", () => {
    const r = matched("GET", "/fleet/drones/d%20one");
    expect(r.params).toEqual({ droneId: "d one" });
    expect(r.backendPath).toBe("/drones/d%20one");
  });

  it("selects versions by path segment, header and query parameter", () => {
    expect(matched("GET", "/weather/v2/forecast").operation.id).toBe("getForecastV2");
    expect(matched("GET", "/weather/v1/forecast").backendPath).toBe("/forecast");
    expect(matched("GET", "/geo/maps/tiles", "", (n) => (n === "api-version" ? "2024-01" : undefined)).operation.id).toBe("tilesOld");
    expect(matched("GET", "/geo/maps/tiles").operation.id).toBe("tilesNew");
    expect(matched("GET", "/search", "q=x&api-version=1").operation.id).toBe("searchRoot");
  });

  it("keeps empty segments and the raw rest exactly, whatever the slashes and encoding", () => {
    const deep = api("deep", "/geo/tiles", [version("", "http://t:1/", [op("get", "/z/{z}", "tile"), op("get", "/", "home")])]);
    const r2 = compileRouter(catalog([deep], [product("p", ["deep"])]));
    const m = (path: string) => {
      const r = r2.match("GET", path, noHeader, "");
      return r.kind === "matched" ? { op: r.operation.id, params: r.params, backendPath: r.backendPath } : r.kind;
    };
    expect(m("/geo/tiles/z/3/")).toEqual({ op: "tile", params: { z: "3" }, backendPath: "/z/3/" });
    expect(m("/geo/t%69les/z/%33")).toEqual({ op: "tile", params: { z: "3" }, backendPath: "/z/%33" });
    expect(m("/geo/tiles")).toEqual({ op: "home", params: {}, backendPath: "" });
    expect(m("/geo/tiles/")).toEqual({ op: "home", params: {}, backendPath: "" });
    expect(m("/geo/tiles//")).toBe("no-operation");
    expect(m("/geo/tiles/z//")).toBe("no-operation");
    expect(m("/geo//tiles/z/3")).toBe("no-api");
    expect(m("/geo")).toBe("no-api");
    expect(m("//")).toBe("no-api");
    expect(m("/geo/tiles/z/3?x")).toEqual({ op: "tile", params: { z: "3?x" }, backendPath: "/z/3?x" });
  });

  it("answers a repeated path from its kept match, and never keeps what depends on more than the path", () => {
    const first = matched("GET", "/fleet/drones/active");
    expect(matched("GET", "/fleet/drones/active")).toBe(first);
    expect(Object.isFrozen(first.params)).toBe(true);
    // Parameters, a version header, a version query: matched afresh each time.
    expect(matched("GET", "/fleet/drones/d-1").params).toEqual({ droneId: "d-1" });
    expect(matched("GET", "/fleet/drones/d-2").params).toEqual({ droneId: "d-2" });
    expect(matched("GET", "/geo/maps/tiles", "", (n) => (n === "api-version" ? "2024-01" : undefined)).operation.id).toBe("tilesOld");
    expect(matched("GET", "/geo/maps/tiles").operation.id).toBe("tilesNew");
    expect(router.match("GET", "/search", noHeader, "api-version=1").kind).toBe("matched");
    expect(router.match("GET", "/search", noHeader, "").kind).toBe("no-version");
    // Per method: the same path with another method is its own match.
    expect(router.match("DELETE", "/fleet/drones/active", noHeader, "").kind).toBe("no-operation");
  });

  it("answers HEAD with the GET operation", () => {
    expect(matched("HEAD", "/fleet/drones").operation.id).toBe("listDrones");
  });
});

describe("router: errors", () => {
  it("reports no API, no version and no operation apart", () => {
    expect(router.match("GET", "/nothing/here", noHeader, "").kind).toBe("no-api");
    expect(router.match("GET", "/fleetx/drones", noHeader, "").kind).toBe("no-api");
    expect(router.match("GET", "/weather/v3/forecast", noHeader, "").kind).toBe("no-version");
    expect(router.match("GET", "/search", noHeader, "").kind).toBe("no-version");
    const r = router.match("DELETE", "/fleet/drones", noHeader, "");
    expect(r).toMatchObject({ kind: "no-operation", allowed: ["GET"] });
  });

  it("refuses a target that is not an absolute path", () => {
    expect(router.match("GET", "http://evil/fleet/drones", noHeader, "").kind).toBe("malformed");
    expect(router.match("GET", "*", noHeader, "").kind).toBe("malformed");
  });

  it("refuses invalid percent-encoding", () => {
    expect(router.match("GET", "/fleet/drones/%zz", noHeader, "")).toMatchObject({ kind: "malformed" });
  });
});

describe("router: security", () => {
  it.each([
    "/fleet/drones/../../admin",
    "/fleet/drones/%2e%2e/secret",
    "/fleet/drones/%2E%2E",
    "/fleet/./drones",
    "/fleet/drones/a%2f..%2f..%2fetc",
    "/fleet/drones/a%5c..",
    "/fleet/drones/a%00b",
  ])("refuses traversal in %s", (path) => {
    expect(router.match("GET", path, noHeader, "").kind).toBe("malformed");
  });
});

describe("query helpers", () => {
  it("removes the key parameter and keeps the rest byte for byte", () => {
    expect(takeQueryParam("city=Oslo&subscription-key=abc&x=%2F", "subscription-key")).toEqual({ value: "abc", rest: "city=Oslo&x=%2F" });
    expect(takeQueryParam("subscription%2Dkey=abc", "subscription-key")).toEqual({ value: "abc", rest: "" });
    expect(takeQueryParam("a=1&subscription-key=x&subscription-key=y", "subscription-key")).toEqual({ value: "x", rest: "a=1" });
    expect(takeQueryParam("a=1", "subscription-key")).toEqual({ value: undefined, rest: "a=1" });
  });

  it("reads a decoded query value", () => {
    expect(queryValue("city=S%C3%A3o+Paulo", "city")).toBe("São Paulo");
    expect(queryValue("flag", "flag")).toBe("");
  });
});
