/**
 * Deterministic weather for the demo: every value derives from a hash of the
 * city's name and the date (and hour), so the same question always gets the
 * same answer and tests can assert exact values. The shape of the numbers
 * (seasons, gusts that follow the wind, fog that cuts visibility) is
 * plausible; the numbers are not a forecast.
 */

export type Condition = "clear" | "partly-cloudy" | "overcast" | "fog" | "drizzle" | "rain" | "snow" | "thunderstorm";
export type Verdict = "go" | "caution" | "no-go";
export type Units = "metric" | "imperial";
export type AlertType = "wind" | "precipitation" | "visibility" | "cold" | "thunderstorm";
export type Severity = "advisory" | "warning" | "severe";
export type FlightImpact = "none" | "restricted" | "grounded";

export const SEVERITIES: readonly Severity[] = ["advisory", "warning", "severe"];

/** Cities DroneFly flies in: `GET /alerts` without `city` covers these. */
export const SERVICE_AREA = [
  "Oslo",
  "Bergen",
  "Stockholm",
  "Copenhagen",
  "Hamburg",
  "Amsterdam",
  "Rotterdam",
  "Zurich",
  "Vienna",
  "Lisbon",
] as const;

/** One day's weather in metric units, before any presentation. */
export interface DayWeather {
  date: string;
  condition: Condition;
  temperatureMinC: number;
  temperatureMaxC: number;
  windSpeedKmh: number;
  windGustKmh: number;
  windDirectionDeg: number;
  precipitationMm: number;
  precipitationProbability: number;
  visibilityKm: number;
}

export interface FlightConditions {
  score: number;
  verdict: Verdict;
  reasons: string[];
}

export interface AlertRecord {
  id: string;
  city: string;
  type: AlertType;
  severity: Severity;
  flightImpact: FlightImpact;
  headline: string;
  description: string;
  startsAt: string;
  endsAt: string;
}

/** 32-bit FNV-1a of a string's UTF-8 bytes. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round = (value: number, digits = 0) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Trims and collapses inner whitespace; the hash ignores case. */
export function normaliseCity(city: string): string {
  return city.trim().replace(/\s+/gu, " ");
}

/** Letters (any script), spaces, hyphens, apostrophes and dots; at most 85 characters. */
export const CITY_PATTERN = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]{0,84}$/u;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return isoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));
}

/** The weather of one city on one date (UTC). */
export function dayWeather(city: string, date: string): DayWeather {
  const key = normaliseCity(city).toLowerCase();
  const climate = fnv1a(key);
  const rng = seeded(fnv1a(`${key}|${date}`));

  const month = Number(date.slice(5, 7)) - 1;
  const season = -Math.cos((2 * Math.PI * month) / 12); // -1 in January, +1 in July
  const mean = 4 + (climate % 120) / 10;
  const amplitude = 7 + ((climate >>> 8) % 60) / 10;
  const temperatureMaxC = mean + amplitude * season + 3 + (rng() - 0.5) * 6;
  const temperatureMinC = temperatureMaxC - (3 + rng() * 7);

  const stormy = rng() < 0.04;
  const windSpeedKmh = 5 + rng() ** 1.5 * 30 * (stormy ? 1.3 : 1);
  const windGustKmh = windSpeedKmh * (1.2 + rng() * 0.5);
  const windDirectionDeg = Math.floor(rng() * 36) * 10;

  const wet = rng();
  const precipitationMm = stormy ? 8 + rng() * 20 : wet < 0.55 ? 0 : (wet - 0.55) ** 2 * 110;
  const precipitationProbability = precipitationMm === 0 ? Math.floor(rng() * 15) : Math.min(100, 45 + Math.floor(precipitationMm * 4 + rng() * 20));
  const foggy = !stormy && rng() < 0.05;
  const visibilityKm = foggy ? 0.4 + rng() * 1.4 : Math.max(2, 10 + rng() * 10 - precipitationMm * 0.4);

  const cloud = rng();
  const condition: Condition = stormy
    ? "thunderstorm"
    : foggy
      ? "fog"
      : precipitationMm > 0.5 && temperatureMaxC < 1
        ? "snow"
        : precipitationMm >= 2
          ? "rain"
          : precipitationMm > 0
            ? "drizzle"
            : cloud < 0.35
              ? "clear"
              : cloud < 0.7
                ? "partly-cloudy"
                : "overcast";

  return {
    date,
    condition,
    temperatureMinC: round(temperatureMinC, 1),
    temperatureMaxC: round(temperatureMaxC, 1),
    windSpeedKmh: round(windSpeedKmh),
    windGustKmh: round(windGustKmh),
    windDirectionDeg,
    precipitationMm: round(precipitationMm, 1),
    precipitationProbability,
    visibilityKm: round(visibilityKm, 1),
  };
}

/**
 * How good the day (or hour) is for flying deliveries, 0-100, with the
 * reasons that lowered the score. DroneFly's drones fly loaded up to gusts
 * of 45 km/h, in light rain, and with at least 3 km of visibility.
 */
export function flightConditions(
  w: {
    condition: Condition;
    windGustKmh: number;
    precipitationMm: number;
    visibilityKm: number;
    temperatureMinC: number;
  },
  units: Units = "metric",
): FlightConditions {
  const u = UNIT_LABELS[units];
  const speed = (kmh: number) => `${convert.speed(kmh, units)} ${u.speed}`;
  const distance = (km: number) => `${convert.distance(km, units)} ${u.distance}`;
  const reasons: string[] = [];
  if (w.condition === "thunderstorm") {
    return { score: 0, verdict: "no-go", reasons: ["Thunderstorms: all flights are grounded."] };
  }
  let score = 100;
  if (w.windGustKmh > 30) {
    score -= (w.windGustKmh - 30) * 2.5;
    reasons.push(
      w.windGustKmh >= 45
        ? `Gusts up to ${speed(w.windGustKmh)} exceed the ${speed(45)} limit for loaded flight.`
        : `Gusts up to ${speed(w.windGustKmh)} shorten range.`,
    );
  }
  if (w.precipitationMm > 0) {
    score -= w.precipitationMm * 4;
    const amount = `${convert.precipitation(w.precipitationMm, units)} ${u.precipitation}`;
    reasons.push(w.precipitationMm >= 10 ? `Heavy precipitation (${amount}).` : `Precipitation (${amount}).`);
  }
  if (w.visibilityKm < 5) {
    score -= (5 - w.visibilityKm) * 12;
    reasons.push(
      w.visibilityKm < 3
        ? `Visibility of ${distance(w.visibilityKm)} is below the ${distance(3)} minimum.`
        : `Reduced visibility (${distance(w.visibilityKm)}).`,
    );
  }
  if (w.temperatureMinC < -5) {
    score -= (-5 - w.temperatureMinC) * 3;
    reasons.push(`Cold down to ${convert.temperature(w.temperatureMinC, units)} ${u.temperature} reduces battery capacity.`);
  }
  // Hard limits, matching the alerts: over them a score cannot be "go" (loaded flight
  // is not allowed) or even "caution" (every flight is grounded).
  if (w.windGustKmh >= 60 || w.visibilityKm < 1) score = Math.min(score, 39);
  else if (w.windGustKmh >= 45 || w.visibilityKm < 3) score = Math.min(score, 69);
  const clamped = Math.max(0, Math.min(100, Math.round(score)));
  const verdict: Verdict = clamped >= 70 ? "go" : clamped >= 40 ? "caution" : "no-go";
  return { score: clamped, verdict, reasons };
}

const CONDITION_LABEL: Record<Condition, string> = {
  clear: "Clear skies",
  "partly-cloudy": "Partly cloudy",
  overcast: "Overcast",
  fog: "Fog",
  drizzle: "Drizzle",
  rain: "Rain",
  snow: "Snow",
  thunderstorm: "Thunderstorms",
};

/** Converts a metric value for presentation in `units`. */
export const convert = {
  temperature: (c: number, units: Units) => (units === "metric" ? c : round((c * 9) / 5 + 32, 1)),
  speed: (kmh: number, units: Units) => (units === "metric" ? kmh : round(kmh * 0.621371)),
  precipitation: (mm: number, units: Units) => (units === "metric" ? mm : round(mm / 25.4, 2)),
  distance: (km: number, units: Units) => (units === "metric" ? km : round(km * 0.621371, 1)),
};

export const UNIT_LABELS: Record<Units, { temperature: string; speed: string; precipitation: string; distance: string }> = {
  metric: { temperature: "°C", speed: "km/h", precipitation: "mm", distance: "km" },
  imperial: { temperature: "°F", speed: "mph", precipitation: "in", distance: "mi" },
};

/** One line for people, e.g. "Rain, 4 to 9 °C, wind 18 km/h gusting 31 km/h." */
export function summarise(w: DayWeather, units: Units): string {
  const u = UNIT_LABELS[units];
  const t = (c: number) => convert.temperature(c, units);
  const s = (k: number) => convert.speed(k, units);
  return (
    `${CONDITION_LABEL[w.condition]}, ${t(w.temperatureMinC)} to ${t(w.temperatureMaxC)} ${u.temperature}, ` +
    `wind ${s(w.windSpeedKmh)} ${u.speed} gusting ${s(w.windGustKmh)} ${u.speed}.`
  );
}

export interface HourWeather {
  time: string;
  condition: Condition;
  temperatureC: number;
  windSpeedKmh: number;
  windGustKmh: number;
  precipitationMm: number;
  precipitationProbability: number;
  visibilityKm: number;
}

/** The weather of one city in the hour that starts at `time` (a whole UTC hour). */
export function hourWeather(city: string, time: Date): HourWeather {
  const day = dayWeather(city, isoDate(time));
  const hour = time.getUTCHours();
  const rng = seeded(fnv1a(`${normaliseCity(city).toLowerCase()}|${time.toISOString()}`));
  // Coldest around 04:00, warmest around 16:00.
  const diurnal = (1 - Math.cos((2 * Math.PI * (hour - 4)) / 24)) / 2;
  // The day's figures are its maxima: no hour exceeds them.
  const windSpeedKmh = round(day.windSpeedKmh * (0.6 + rng() * 0.4));
  const gustFactor = day.windGustKmh / Math.max(1, day.windSpeedKmh);
  const wet = day.precipitationMm > 0;
  return {
    time: time.toISOString().replace(".000Z", "Z"),
    condition: day.condition,
    temperatureC: round(day.temperatureMinC + (day.temperatureMaxC - day.temperatureMinC) * diurnal, 1),
    windSpeedKmh,
    windGustKmh: Math.min(day.windGustKmh, round(windSpeedKmh * gustFactor * (0.9 + rng() * 0.2))),
    precipitationMm: wet ? round((day.precipitationMm / 24) * (0.2 + rng() * 1.6), 1) : 0,
    precipitationProbability: wet ? Math.min(100, 30 + Math.floor(rng() * 60)) : Math.floor(rng() * 10),
    visibilityKm: day.visibilityKm,
  };
}

/**
 * Alerts for one city over `days` days from `from`, derived from the same
 * daily weather as the forecast, so an alert always matches the forecast.
 */
export function alertsFor(city: string, from: string, days: number): AlertRecord[] {
  const name = normaliseCity(city);
  const alerts: AlertRecord[] = [];
  for (let i = 0; i < days; i++) {
    const w = dayWeather(name, addDays(from, i));
    const window = { startsAt: `${w.date}T06:00:00Z`, endsAt: `${w.date}T21:00:00Z` };
    const add = (type: AlertType, severity: Severity, flightImpact: FlightImpact, headline: string, description: string) =>
      alerts.push({
        id: `alr_${fnv1a(`${name.toLowerCase()}|${w.date}|${type}`).toString(16).padStart(8, "0")}`,
        city: name,
        type,
        severity,
        flightImpact,
        headline,
        description,
        ...window,
      });

    if (w.condition === "thunderstorm") {
      add(
        "thunderstorm",
        "severe",
        "grounded",
        `Thunderstorms in ${name}`,
        `Thunderstorms with gusts up to ${w.windGustKmh} km/h. Flights are grounded until the cells have passed.`,
      );
      continue;
    }
    if (w.windGustKmh >= 60) {
      add("wind", "severe", "grounded", `Severe gusts in ${name}`, `Gusts up to ${w.windGustKmh} km/h. Flights are grounded.`);
    } else if (w.windGustKmh >= 45) {
      add(
        "wind",
        "warning",
        "restricted",
        `Strong gusts in ${name}`,
        `Gusts up to ${w.windGustKmh} km/h. Only unloaded repositioning flights are allowed.`,
      );
    } else if (w.windGustKmh >= 38) {
      add("wind", "advisory", "none", `Gusty wind in ${name}`, `Gusts up to ${w.windGustKmh} km/h. Expect longer flight times.`);
    }
    if (w.precipitationMm >= 20) {
      add(
        "precipitation",
        "warning",
        "restricted",
        `Heavy ${w.condition === "snow" ? "snow" : "rain"} in ${name}`,
        `${w.precipitationMm} mm expected. Parcels that are not waterproof are held back.`,
      );
    } else if (w.precipitationMm >= 12) {
      add(
        "precipitation",
        "advisory",
        "none",
        `Wet day in ${name}`,
        `${w.precipitationMm} mm expected. Use waterproof packaging.`,
      );
    }
    if (w.visibilityKm < 1) {
      add("visibility", "warning", "grounded", `Dense fog in ${name}`, `Visibility down to ${w.visibilityKm} km. Flights are grounded.`);
    } else if (w.visibilityKm < 3) {
      add(
        "visibility",
        "advisory",
        "restricted",
        `Fog in ${name}`,
        `Visibility down to ${w.visibilityKm} km. Routes over open water are closed.`,
      );
    }
    if (w.temperatureMinC <= -15) {
      add(
        "cold",
        "advisory",
        "restricted",
        `Extreme cold in ${name}`,
        `Down to ${w.temperatureMinC} °C. Range is reduced by up to a third.`,
      );
    }
  }
  return alerts;
}
