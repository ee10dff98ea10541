/**
 * The DroneFly Weather API, versions v1 and v2 (the gateway selects the
 * version by path: `/weather/v1/...` goes to this app's `/v1/...`).
 *
 * v1: flat metric fields and a yes/no `flyable`. v2: grouped fields, metric
 * or imperial units, a 0-100 flight score with reasons, alert filtering by
 * severity, and hourly forecasts (in preview).
 */
import { Hono } from "hono";
import type { DemoContext, DemoEnv, Details } from "./http.ts";
import { enumQuery, intQuery, methodNotAllowed, sendInvalid } from "./http.ts";
import {
  type AlertRecord,
  addDays,
  alertsFor,
  CITY_PATTERN,
  convert,
  dayWeather,
  flightConditions,
  hourWeather,
  isoDate,
  normaliseCity,
  SERVICE_AREA,
  SEVERITIES,
  type Severity,
  summarise,
  UNIT_LABELS,
  type Units,
} from "./weather-model.ts";

/** Alerts cover today and the next two days. */
const ALERT_DAYS = 3;

export function weatherRoutes(options: { now: () => Date }): Hono<DemoEnv> {
  const app = new Hono<DemoEnv>();
  const issuedAt = () => startOfHour(options.now()).toISOString().replace(".000Z", "Z");
  const today = () => isoDate(options.now());

  // v1 ----------------------------------------------------------------------

  app.get("/v1/forecast", function getForecastV1(c) {
    const details: Details = [];
    const city = requiredCity(c, details);
    const days = intQuery(c, "days", { min: 1, max: 7, default: 3 }, details);
    if (details.length > 0 || city === undefined) return sendInvalid(c, details);
    return c.json({
      city,
      issuedAt: issuedAt(),
      days: range(days).map((i) => {
        const w = dayWeather(city, addDays(today(), i));
        return {
          date: w.date,
          condition: w.condition,
          summary: summarise(w, "metric"),
          temperatureMinC: w.temperatureMinC,
          temperatureMaxC: w.temperatureMaxC,
          windSpeedKmh: w.windSpeedKmh,
          windGustKmh: w.windGustKmh,
          windDirectionDeg: w.windDirectionDeg,
          precipitationMm: w.precipitationMm,
          precipitationProbability: w.precipitationProbability,
          visibilityKm: w.visibilityKm,
          // Good for loaded delivery flights: v2's verdict "go".
          flyable: flightConditions(w).verdict === "go",
        };
      }),
    });
  });

  app.get("/v1/alerts", function listAlertsV1(c) {
    const details: Details = [];
    const city = optionalCity(c, details);
    if (details.length > 0) return sendInvalid(c, details);
    const alerts = collectAlerts(city, today()).map(({ flightImpact: _, ...v1 }) => v1);
    return c.json({ issuedAt: issuedAt(), alerts });
  });

  // v2 ----------------------------------------------------------------------

  app.get("/v2/forecast", function getForecastV2(c) {
    const details: Details = [];
    const city = requiredCity(c, details);
    const days = intQuery(c, "days", { min: 1, max: 10, default: 5 }, details);
    const units = enumQuery<Units>(c, "units", ["metric", "imperial"], details) ?? "metric";
    if (details.length > 0 || city === undefined) return sendInvalid(c, details);
    return c.json({
      city,
      units,
      unitLabels: UNIT_LABELS[units],
      issuedAt: issuedAt(),
      days: range(days).map((i) => {
        const w = dayWeather(city, addDays(today(), i));
        return {
          date: w.date,
          condition: w.condition,
          summary: summarise(w, units),
          temperature: {
            min: convert.temperature(w.temperatureMinC, units),
            max: convert.temperature(w.temperatureMaxC, units),
          },
          wind: {
            speed: convert.speed(w.windSpeedKmh, units),
            gust: convert.speed(w.windGustKmh, units),
            directionDeg: w.windDirectionDeg,
          },
          precipitation: {
            amount: convert.precipitation(w.precipitationMm, units),
            probability: w.precipitationProbability,
          },
          visibility: convert.distance(w.visibilityKm, units),
          flightConditions: flightConditions(w, units),
        };
      }),
    });
  });

  app.get("/v2/forecast/hourly", function getHourlyForecastV2(c) {
    const details: Details = [];
    const city = requiredCity(c, details);
    const hours = intQuery(c, "hours", { min: 1, max: 48, default: 24 }, details);
    const units = enumQuery<Units>(c, "units", ["metric", "imperial"], details) ?? "metric";
    if (details.length > 0 || city === undefined) return sendInvalid(c, details);
    const first = startOfHour(options.now()).getTime() + 3_600_000;
    return c.json({
      city,
      units,
      unitLabels: UNIT_LABELS[units],
      issuedAt: issuedAt(),
      hours: range(hours).map((i) => {
        const h = hourWeather(city, new Date(first + i * 3_600_000));
        return {
          time: h.time,
          condition: h.condition,
          temperature: convert.temperature(h.temperatureC, units),
          wind: { speed: convert.speed(h.windSpeedKmh, units), gust: convert.speed(h.windGustKmh, units) },
          precipitation: {
            amount: convert.precipitation(h.precipitationMm, units),
            probability: h.precipitationProbability,
          },
          visibility: convert.distance(h.visibilityKm, units),
          flightConditions: flightConditions({ ...h, temperatureMinC: h.temperatureC }, units),
        };
      }),
    });
  });

  app.get("/v2/alerts", function listAlertsV2(c) {
    const details: Details = [];
    const city = optionalCity(c, details);
    const severity = enumQuery<Severity>(c, "severity", SEVERITIES, details);
    if (details.length > 0) return sendInvalid(c, details);
    const minimum = severity === undefined ? 0 : SEVERITIES.indexOf(severity);
    const alerts = collectAlerts(city, today()).filter((a) => SEVERITIES.indexOf(a.severity) >= minimum);
    return c.json({ issuedAt: issuedAt(), alerts });
  });

  for (const path of ["/v1/forecast", "/v1/alerts", "/v2/forecast", "/v2/forecast/hourly", "/v2/alerts"]) {
    app.all(path, methodNotAllowed(["GET", "HEAD"]));
  }
  return app;
}

function requiredCity(c: DemoContext, details: Details): string | undefined {
  const raw = c.req.query("city");
  if (raw === undefined || raw.trim() === "") {
    details.push({ path: "city", message: "Required: name the city, for example city=Oslo." });
    return undefined;
  }
  return checkCity(raw, details);
}

function optionalCity(c: DemoContext, details: Details): string | undefined {
  const raw = c.req.query("city");
  if (raw === undefined || raw.trim() === "") return undefined;
  return checkCity(raw, details);
}

function checkCity(raw: string, details: Details): string | undefined {
  const city = normaliseCity(raw);
  if (!CITY_PATTERN.test(city)) {
    details.push({
      path: "city",
      message: "Must be a city name of at most 85 letters, spaces, hyphens, apostrophes or dots.",
    });
    return undefined;
  }
  return city;
}

/** Alerts for one city, or for the whole service area; most severe first within a day. */
function collectAlerts(city: string | undefined, from: string): AlertRecord[] {
  const cities = city === undefined ? SERVICE_AREA : [city];
  return cities
    .flatMap((name) => alertsFor(name, from, ALERT_DAYS))
    .sort(
      (a, b) =>
        a.startsAt.localeCompare(b.startsAt) ||
        SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
        a.city.localeCompare(b.city),
    );
}

function startOfHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 3_600_000) * 3_600_000);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
