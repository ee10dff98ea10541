/**
 * The demo partner's fleet: three hubs, three drone models, twelve drones,
 * and an in-memory mission log per app instance (it starts with three
 * missions so that `GET /missions/{id}` has something to show).
 *
 * A mission's status follows the clock: `scheduled` until its departure,
 * `in-flight` until its arrival, then `delivered`.
 */

export type DroneStatus = "idle" | "in-flight" | "charging" | "maintenance";
export type MissionStatus = "scheduled" | "in-flight" | "delivered";
export type Priority = "standard" | "express";

export interface Point {
  latitude: number;
  longitude: number;
}

export interface Place extends Point {
  label?: string;
}

export interface Hub extends Point {
  id: string;
  name: string;
}

export interface DroneModel {
  name: string;
  maxPayloadKg: number;
  rangeKm: number;
  cruiseSpeedKmh: number;
}

export const HUBS = {
  "osl-lysaker": { id: "osl-lysaker", name: "Oslo Lysaker", latitude: 59.9127, longitude: 10.6358 },
  "rtm-waalhaven": { id: "rtm-waalhaven", name: "Rotterdam Waalhaven", latitude: 51.8853, longitude: 4.4331 },
  "zrh-altstetten": { id: "zrh-altstetten", name: "Zurich Altstetten", latitude: 47.3912, longitude: 8.4889 },
} as const satisfies Record<string, Hub>;

export type HubId = keyof typeof HUBS;
export const HUB_IDS = Object.keys(HUBS) as HubId[];

export const MODELS = {
  kestrel: { name: "Kestrel K2", maxPayloadKg: 2.5, rangeKm: 20, cruiseSpeedKmh: 72 },
  heron: { name: "Heron H5", maxPayloadKg: 5, rangeKm: 32, cruiseSpeedKmh: 65 },
  albatross: { name: "Albatross A8", maxPayloadKg: 8, rangeKm: 45, cruiseSpeedKmh: 58 },
} as const satisfies Record<string, DroneModel>;

interface DroneSeed {
  id: string;
  model: keyof typeof MODELS;
  hub: HubId;
  /** On the ground; a drone is `in-flight` while one of its missions is. */
  status: Exclude<DroneStatus, "in-flight">;
  batteryPercent: number;
  /** Minutes since the drone last reported. */
  lastContactMinutes: number;
}

const DRONES: readonly DroneSeed[] = [
  { id: "DF-1001", model: "kestrel", hub: "osl-lysaker", status: "idle", batteryPercent: 97, lastContactMinutes: 1 },
  { id: "DF-1002", model: "kestrel", hub: "osl-lysaker", status: "charging", batteryPercent: 41, lastContactMinutes: 1 },
  { id: "DF-1003", model: "heron", hub: "osl-lysaker", status: "idle", batteryPercent: 78, lastContactMinutes: 0 },
  { id: "DF-1004", model: "albatross", hub: "osl-lysaker", status: "maintenance", batteryPercent: 100, lastContactMinutes: 2880 },
  { id: "DF-2001", model: "heron", hub: "rtm-waalhaven", status: "idle", batteryPercent: 92, lastContactMinutes: 2 },
  { id: "DF-2002", model: "heron", hub: "rtm-waalhaven", status: "idle", batteryPercent: 88, lastContactMinutes: 1 },
  { id: "DF-2003", model: "albatross", hub: "rtm-waalhaven", status: "idle", batteryPercent: 64, lastContactMinutes: 0 },
  { id: "DF-2004", model: "kestrel", hub: "rtm-waalhaven", status: "charging", batteryPercent: 23, lastContactMinutes: 3 },
  { id: "DF-3001", model: "kestrel", hub: "zrh-altstetten", status: "idle", batteryPercent: 99, lastContactMinutes: 1 },
  { id: "DF-3002", model: "albatross", hub: "zrh-altstetten", status: "idle", batteryPercent: 95, lastContactMinutes: 4 },
  { id: "DF-3003", model: "heron", hub: "zrh-altstetten", status: "maintenance", batteryPercent: 12, lastContactMinutes: 610 },
  { id: "DF-3004", model: "kestrel", hub: "zrh-altstetten", status: "idle", batteryPercent: 90, lastContactMinutes: 2 },
];

export const DRONE_IDS = DRONES.map((d) => d.id);

export interface Drone {
  id: string;
  model: string;
  status: DroneStatus;
  hub: { id: string; name: string };
  batteryPercent: number;
  maxPayloadKg: number;
  rangeKm: number;
  cruiseSpeedKmh: number;
  position: Point & { altitudeM: number };
  currentMissionId: string | null;
  lastContactAt: string;
}

export interface Mission {
  id: string;
  droneId: string;
  status: MissionStatus;
  priority: Priority;
  reference: string | null;
  pickup: Place;
  dropoff: Place;
  payloadKg: number;
  distanceKm: number;
  createdAt: string;
  departureAt: string;
  arrivalAt: string;
  deliveredAt: string | null;
}

export interface MissionRequest {
  pickup: Place;
  dropoff: Place;
  payloadKg: number;
  reference?: string;
  priority?: Priority;
}

/** Why a mission cannot be flown; the route maps each to an answer. */
export type MissionRefusal =
  | { kind: "unknown-drone" }
  | { kind: "unavailable"; status: DroneStatus }
  | { kind: "too-heavy"; maxPayloadKg: number; model: string }
  | { kind: "out-of-range"; routeKm: number; rangeKm: number; model: string };

interface StoredMission {
  id: string;
  droneId: string;
  priority: Priority;
  reference: string | null;
  pickup: Place;
  dropoff: Place;
  payloadKg: number;
  distanceKm: number;
  createdAt: number;
  departureAt: number;
  arrivalAt: number;
}

const MINUTE = 60_000;

/** Great-circle distance in kilometres. */
export function distanceKm(a: Point, b: Point): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const pointOf = (p: Point): Point => ({ latitude: p.latitude, longitude: p.longitude });
const round1 = (n: number) => Math.round(n * 10) / 10;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

export class Fleet {
  readonly #now: () => Date;
  readonly #missions = new Map<string, StoredMission>();
  #nextId = 100001;

  constructor(now: () => Date) {
    this.#now = now;
    const t = now().getTime();
    // A delivered mission, two in the air, and one waiting for its slot.
    this.#seed("DF-1001", t - 190 * MINUTE, {
      pickup: { ...pointOf(HUBS["osl-lysaker"]), label: "Oslo Lysaker hub" },
      dropoff: { latitude: 59.9226, longitude: 10.7394, label: "Apotek 1 Grünerløkka" },
      payloadKg: 1.2,
      reference: "rx-20418",
      priority: "express",
    });
    this.#seed("DF-1003", t - 9 * MINUTE, {
      pickup: { ...pointOf(HUBS["osl-lysaker"]), label: "Oslo Lysaker hub" },
      dropoff: { latitude: 59.9496, longitude: 10.7682, label: "Nydalen clinic" },
      payloadKg: 3.4,
      reference: "lab-7731",
      priority: "standard",
    });
    this.#seed("DF-2003", t - 6 * MINUTE, {
      pickup: { latitude: 51.9036, longitude: 4.4597, label: "Erasmus MC loading bay" },
      dropoff: { latitude: 51.8225, longitude: 4.6547, label: "Dordrecht lab" },
      payloadKg: 6.1,
      reference: "spec-5520",
      priority: "standard",
    });
    this.#seed("DF-3002", t - 1 * MINUTE, {
      pickup: { ...pointOf(HUBS["zrh-altstetten"]), label: "Zurich Altstetten hub" },
      dropoff: { latitude: 47.3782, longitude: 8.5402, label: "Zurich Hauptbahnhof parcel lockers" },
      payloadKg: 4.8,
      reference: "ord-99105",
      priority: "standard",
    });
  }

  drones(filter: { status?: DroneStatus; hub?: HubId } = {}): Drone[] {
    return DRONE_IDS.map((id) => this.drone(id)!).filter(
      (d) => (filter.status === undefined || d.status === filter.status) && (filter.hub === undefined || d.hub.id === filter.hub),
    );
  }

  drone(id: string): Drone | undefined {
    const seed = DRONES.find((d) => d.id === id);
    if (!seed) return undefined;
    const model = MODELS[seed.model];
    const hub = HUBS[seed.hub];
    const now = this.#now().getTime();
    const active = [...this.#missions.values()].find((m) => m.droneId === id && m.departureAt <= now && now < m.arrivalAt);
    const flying = active !== undefined;
    const position = active ? this.#positionOf(active, now) : { latitude: hub.latitude, longitude: hub.longitude };
    return {
      id: seed.id,
      model: model.name,
      status: active ? "in-flight" : seed.status,
      hub: { id: hub.id, name: hub.name },
      batteryPercent: seed.batteryPercent,
      maxPayloadKg: model.maxPayloadKg,
      rangeKm: model.rangeKm,
      cruiseSpeedKmh: model.cruiseSpeedKmh,
      position: { ...position, altitudeM: flying ? 90 : 0 },
      currentMissionId: active?.id ?? null,
      lastContactAt: iso(now - (flying ? 0 : seed.lastContactMinutes) * MINUTE - (now % 1000)),
    };
  }

  /** Plans a mission, or says why it cannot be flown. */
  createMission(droneId: string, request: MissionRequest): { ok: true; mission: Mission } | { ok: false; refusal: MissionRefusal } {
    const drone = this.drone(droneId);
    if (!drone) return { ok: false, refusal: { kind: "unknown-drone" } };
    if (drone.status === "maintenance") return { ok: false, refusal: { kind: "unavailable", status: drone.status } };
    if (request.payloadKg > drone.maxPayloadKg) {
      return { ok: false, refusal: { kind: "too-heavy", maxPayloadKg: drone.maxPayloadKg, model: drone.model } };
    }
    const routeKm = this.#routeKm(droneId, request);
    if (routeKm > drone.rangeKm) {
      return { ok: false, refusal: { kind: "out-of-range", routeKm: round1(routeKm), rangeKm: drone.rangeKm, model: drone.model } };
    }
    const stored = this.#plan(droneId, this.#now().getTime(), request);
    return { ok: true, mission: this.#view(stored) };
  }

  mission(id: string): Mission | undefined {
    const stored = this.#missions.get(id);
    return stored ? this.#view(stored) : undefined;
  }

  /** Hub → pickup → drop-off → hub: the drone must come home. */
  #routeKm(droneId: string, request: MissionRequest): number {
    const hub = HUBS[DRONES.find((d) => d.id === droneId)!.hub];
    return distanceKm(hub, request.pickup) + distanceKm(request.pickup, request.dropoff) + distanceKm(request.dropoff, hub);
  }

  #seed(droneId: string, createdAt: number, request: Required<MissionRequest>): void {
    this.#plan(droneId, createdAt, request);
  }

  #plan(droneId: string, createdAt: number, request: MissionRequest): StoredMission {
    const seed = DRONES.find((d) => d.id === droneId)!;
    const model = MODELS[seed.model];
    const priority = request.priority ?? "standard";
    // Express missions take the next slot; a charging drone needs 15 more minutes.
    // A drone with missions still ahead of it takes the new one 5 minutes after its last arrival.
    const wait = (priority === "express" ? 1 : 5) + (seed.status === "charging" ? 15 : 0);
    const lastArrival = Math.max(0, ...[...this.#missions.values()].filter((m) => m.droneId === droneId).map((m) => m.arrivalAt));
    const departureAt = Math.max(createdAt + wait * MINUTE, lastArrival + 5 * MINUTE);
    const distance = distanceKm(request.pickup, request.dropoff);
    // Departure is take-off from the pickup point; arrival adds two minutes to descend and release.
    const flightMs = (distance / model.cruiseSpeedKmh) * 60 * MINUTE + 2 * MINUTE;
    const stored: StoredMission = {
      id: `msn_${this.#nextId++}`,
      droneId,
      priority,
      reference: request.reference ?? null,
      pickup: request.pickup,
      dropoff: request.dropoff,
      payloadKg: request.payloadKg,
      distanceKm: round1(distance),
      createdAt: Math.floor(createdAt / 1000) * 1000,
      departureAt: Math.floor(departureAt / 1000) * 1000,
      arrivalAt: Math.ceil((departureAt + flightMs) / 1000) * 1000,
    };
    this.#missions.set(stored.id, stored);
    return stored;
  }

  #view(m: StoredMission): Mission {
    const now = this.#now().getTime();
    const status: MissionStatus = now < m.departureAt ? "scheduled" : now < m.arrivalAt ? "in-flight" : "delivered";
    return {
      id: m.id,
      droneId: m.droneId,
      status,
      priority: m.priority,
      reference: m.reference,
      pickup: m.pickup,
      dropoff: m.dropoff,
      payloadKg: m.payloadKg,
      distanceKm: m.distanceKm,
      createdAt: iso(m.createdAt),
      departureAt: iso(m.departureAt),
      arrivalAt: iso(m.arrivalAt),
      deliveredAt: status === "delivered" ? iso(m.arrivalAt) : null,
    };
  }

  /** Where along the pickup → drop-off leg the drone is now (straight line). */
  #positionOf(m: StoredMission, now: number): Point {
    const f = Math.min(1, Math.max(0, (now - m.departureAt) / (m.arrivalAt - m.departureAt)));
    return {
      latitude: Math.round((m.pickup.latitude + (m.dropoff.latitude - m.pickup.latitude) * f) * 1e4) / 1e4,
      longitude: Math.round((m.pickup.longitude + (m.dropoff.longitude - m.pickup.longitude) * f) * 1e4) / 1e4,
    };
  }
}
