import { describe, expect, it } from "vitest";
import { testClock, useBackend, withoutRequestId } from "./test-support.ts";
import { dayWeather, fnv1a, seeded } from "./weather-model.ts";

const clock = testClock("2026-03-14T09:30:00Z");
const backend = await useBackend({ now: clock.now });
const get = (path: string, init?: RequestInit) => fetch(`${backend.base}/weather${path}`, init);

interface V1Day {
  date: string;
  condition: string;
  summary: string;
  temperatureMinC: number;
  temperatureMaxC: number;
  windGustKmh: number;
  flyable: boolean;
}
interface V2Day {
  date: string;
  temperature: { min: number; max: number };
  wind: { speed: number; gust: number; directionDeg: number };
  flightConditions: { score: number; verdict: string; reasons: string[] };
}
interface Alert {
  id: string;
  city: string;
  type: string;
  severity: string;
  flightImpact?: string;
  startsAt: string;
}

describe("the weather model", () => {
  it("hashes with 32-bit FNV-1a", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  it("is deterministic and ignores the case and spacing of the city", () => {
    expect(dayWeather("Oslo", "2026-03-14")).toEqual(dayWeather("  oSLO ", "2026-03-14"));
    expect(dayWeather("Oslo", "2026-03-14")).not.toEqual(dayWeather("Bergen", "2026-03-14"));
    const a = seeded(42);
    const b = seeded(42);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe("GET /weather/v1/forecast", () => {
  it("returns three days from today for the city", async () => {
    const res = await get("/v1/forecast?city=Oslo");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { city: string; issuedAt: string; days: V1Day[] };
    expect(body.city).toBe("Oslo");
    expect(body.issuedAt).toBe("2026-03-14T09:00:00Z");
    expect(body.days.map((d) => d.date)).toEqual(["2026-03-14", "2026-03-15", "2026-03-16"]);
    const model = dayWeather("Oslo", "2026-03-14");
    expect(body.days[0]).toEqual({
      date: "2026-03-14",
      condition: model.condition,
      summary: expect.stringMatching(/ °C, wind \d+ km\/h gusting \d+ km\/h\.$/),
      temperatureMinC: model.temperatureMinC,
      temperatureMaxC: model.temperatureMaxC,
      windSpeedKmh: model.windSpeedKmh,
      windGustKmh: model.windGustKmh,
      windDirectionDeg: model.windDirectionDeg,
      precipitationMm: model.precipitationMm,
      precipitationProbability: model.precipitationProbability,
      visibilityKm: model.visibilityKm,
      flyable: expect.any(Boolean),
    });
  });

  it("answers the same for the same question", async () => {
    const first = await (await get("/v1/forecast?city=Lisbon&days=7")).json();
    const again = await (await get("/v1/forecast?city=lisbon&days=7")).json();
    expect((again as { days: unknown }).days).toEqual((first as { days: unknown }).days);
    expect((first as { days: unknown[] }).days).toHaveLength(7);
  });

  it("accepts city names in any script, trimmed", async () => {
    for (const city of ["São Paulo", "Zürich", "東京", "Saint-Étienne", "Xi'an"]) {
      const res = await get(`/v1/forecast?city=${encodeURIComponent(`  ${city} `)}&days=1`);
      expect(res.status, city).toBe(200);
      expect(((await res.json()) as { city: string }).city).toBe(city);
    }
  });

  it("answers 400 with details when city is missing", async () => {
    const res = await get("/v1/forecast", { headers: { "X-Request-Id": "req-weather-1" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "Invalid city: Required: name the city, for example city=Oslo.",
      requestId: "req-weather-1",
      details: [{ path: "city", message: "Required: name the city, for example city=Oslo." }],
    });
  });

  it("answers 400 naming every bad parameter", async () => {
    const res = await get("/v1/forecast?city=Oslo%3Bdrop&days=8");
    expect(res.status).toBe(400);
    expect(withoutRequestId(await res.json())).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request has 2 invalid fields; see details.",
      details: [
        { path: "city", message: "Must be a city name of at most 85 letters, spaces, hyphens, apostrophes or dots." },
        { path: "days", message: "Must be from 1 to 7; got 8." },
      ],
    });
  });

  it("refuses a days value that is not a whole number", async () => {
    const res = await get("/v1/forecast?city=Oslo&days=2.5");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown }).details).toEqual([
      { path: "days", message: 'Must be a whole number from 1 to 7; got "2.5".' },
    ]);
  });

  it("answers 405 to a POST", async () => {
    const res = await get("/v1/forecast?city=Oslo", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("GET /weather/v1/alerts", () => {
  it("lists alerts across the service area, in v1's shape", async () => {
    const res = await get("/v1/alerts");
    expect(res.status).toBe(200);
    const { issuedAt, alerts } = (await res.json()) as { issuedAt: string; alerts: Alert[] };
    expect(issuedAt).toBe("2026-03-14T09:00:00Z");
    expect(alerts.length).toBeGreaterThan(0);
    expect(new Set(alerts.map((a) => a.city)).size).toBeGreaterThan(1);
    for (const alert of alerts) {
      expect(Object.keys(alert).sort()).toEqual(
        ["city", "description", "endsAt", "headline", "id", "severity", "startsAt", "type"].sort(),
      );
    }
    const starts = alerts.map((a) => a.startsAt);
    expect(starts).toEqual([...starts].sort());
  });

  it("filters by city, and alerts agree with the forecast", async () => {
    const { alerts } = (await (await get("/v1/alerts?city=Oslo")).json()) as { alerts: Alert[] };
    const { days } = (await (await get("/v1/forecast?city=Oslo")).json()) as { days: V1Day[] };
    expect(alerts.every((a) => a.city === "Oslo")).toBe(true);
    for (const day of days) {
      const wind = alerts.find((a) => a.type === "wind" && a.startsAt.startsWith(day.date));
      if (day.windGustKmh >= 45) expect(wind?.severity, day.date).toMatch(/warning|severe/);
      if (day.windGustKmh < 38) expect(wind, day.date).toBeUndefined();
    }
  });

  it("answers 400 for a malformed city", async () => {
    const res = await get("/v1/alerts?city=%3Cscript%3E");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe("VALIDATION_FAILED");
  });
});

describe("GET /weather/v2/forecast", () => {
  it("groups fields, scores flight conditions and defaults to five metric days", async () => {
    const res = await get("/v2/forecast?city=Oslo");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { units: string; unitLabels: unknown; days: V2Day[] };
    expect(body.units).toBe("metric");
    expect(body.unitLabels).toEqual({ temperature: "°C", speed: "km/h", precipitation: "mm", distance: "km" });
    expect(body.days).toHaveLength(5);
    const model = dayWeather("Oslo", "2026-03-14");
    expect(body.days[0]!.temperature).toEqual({ min: model.temperatureMinC, max: model.temperatureMaxC });
    expect(body.days[0]!.wind).toEqual({
      speed: model.windSpeedKmh,
      gust: model.windGustKmh,
      directionDeg: model.windDirectionDeg,
    });
    for (const day of body.days) {
      const { score, verdict } = day.flightConditions;
      expect(verdict).toBe(score >= 70 ? "go" : score >= 40 ? "caution" : "no-go");
    }
  });

  it("agrees with v1 on whether a day is flyable, and with the alerts", async () => {
    const v1 = (await (await get("/v1/forecast?city=Hamburg&days=7")).json()) as { days: V1Day[] };
    const v2 = (await (await get("/v2/forecast?city=Hamburg&days=7")).json()) as { days: V2Day[] };
    expect(v1.days.map((d) => d.flyable)).toEqual(v2.days.map((d) => d.flightConditions.verdict === "go"));
    for (const day of v2.days) {
      if (day.wind.gust >= 60) expect(day.flightConditions.verdict).toBe("no-go");
      else if (day.wind.gust >= 45) expect(day.flightConditions.verdict).not.toBe("go");
    }
  });

  it("converts to imperial units", async () => {
    const res = await get("/v2/forecast?city=Oslo&days=1&units=imperial");
    const body = (await res.json()) as { unitLabels: { temperature: string }; days: V2Day[] };
    const model = dayWeather("Oslo", "2026-03-14");
    expect(body.unitLabels.temperature).toBe("°F");
    expect(body.days[0]!.temperature.max).toBeCloseTo((model.temperatureMaxC * 9) / 5 + 32, 1);
    expect(body.days[0]!.wind.gust).toBe(Math.round(model.windGustKmh * 0.621371));
  });

  it("answers 400 for unknown units and out-of-range days", async () => {
    const res = await get("/v2/forecast?city=Oslo&units=kelvin&days=11");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown }).details).toEqual([
      { path: "days", message: "Must be from 1 to 10; got 11." },
      { path: "units", message: 'Must be one of metric, imperial; got "kelvin".' },
    ]);
  });
});

describe("GET /weather/v2/forecast/hourly", () => {
  it("returns 24 consecutive hours from the next full hour", async () => {
    const res = await get("/v2/forecast/hourly?city=Oslo");
    expect(res.status).toBe(200);
    const { hours } = (await res.json()) as { hours: Array<{ time: string; flightConditions: { verdict: string } }> };
    expect(hours).toHaveLength(24);
    expect(hours[0]!.time).toBe("2026-03-14T10:00:00Z");
    expect(hours[23]!.time).toBe("2026-03-15T09:00:00Z");
  });

  it("answers 400 when hours is out of range or city is missing", async () => {
    const res = await get("/v2/forecast/hourly?hours=49");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: Array<{ path: string }> }).details.map((d) => d.path)).toEqual([
      "city",
      "hours",
    ]);
  });
});

describe("GET /weather/v2/alerts", () => {
  it("adds flightImpact and filters by minimum severity", async () => {
    const all = ((await (await get("/v2/alerts")).json()) as { alerts: Alert[] }).alerts;
    const serious = ((await (await get("/v2/alerts?severity=warning")).json()) as { alerts: Alert[] }).alerts;
    expect(all.every((a) => ["none", "restricted", "grounded"].includes(a.flightImpact!))).toBe(true);
    expect(serious.length).toBeGreaterThan(0);
    expect(serious.length).toBeLessThan(all.length);
    expect(serious).toEqual(all.filter((a) => a.severity !== "advisory"));
  });

  it("answers 400 for an unknown severity", async () => {
    const res = await get("/v2/alerts?severity=extreme");
    expect(res.status).toBe(400);
  });
});

describe("versions", () => {
  it("answers 404 for a version that does not exist", async () => {
    const res = await get("/v3/forecast?city=Oslo");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("NOT_FOUND");
  });
});
