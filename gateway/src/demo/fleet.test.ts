import { describe, expect, it } from "vitest";
import { testClock, useBackend, withoutRequestId } from "./test-support.ts";

const clock = testClock("2026-03-14T09:30:00Z");
const backend = await useBackend({ now: clock.now });
const call = (path: string, init?: RequestInit) => fetch(`${backend.base}/fleet${path}`, init);
const postMission = (droneId: string, body: unknown, headers: Record<string, string> = {}) =>
  call(`/drones/${droneId}/missions`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

interface Drone {
  id: string;
  status: string;
  hub: { id: string };
  currentMissionId: string | null;
}
interface Mission {
  id: string;
  status: string;
  departureAt: string;
  arrivalAt: string;
  deliveredAt: string | null;
}

/** Lysaker hub to a pharmacy 4.6 km east: inside every model's range. */
const nearby = {
  pickup: { latitude: 59.9127, longitude: 10.6358, label: "Oslo Lysaker hub" },
  dropoff: { latitude: 59.93, longitude: 10.71, label: "Majorstuen pharmacy" },
  payloadKg: 1.5,
  reference: "ord-48213",
};

describe("GET /fleet/drones", () => {
  it("pages through all twelve drones with a cursor", async () => {
    const ids: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const res = await call(`/drones?limit=5${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { drones: Drone[]; nextCursor: string | null };
      ids.push(...page.drones.map((d) => d.id));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(ids).toHaveLength(12);
    expect(ids[0]).toBe("DF-1001");
    expect(new Set(ids).size).toBe(12);
  });

  it("filters by status and hub", async () => {
    const maintenance = (await (await call("/drones?status=maintenance")).json()) as { drones: Drone[] };
    expect(maintenance.drones.map((d) => d.id)).toEqual(["DF-1004", "DF-3003"]);
    const zurich = (await (await call("/drones?hub=zrh-altstetten")).json()) as { drones: Drone[] };
    expect(zurich.drones.map((d) => d.id)).toEqual(["DF-3001", "DF-3002", "DF-3003", "DF-3004"]);
  });

  it("shows drones on a mission as in flight", async () => {
    const { drones } = (await (await call("/drones?status=in-flight")).json()) as { drones: Drone[] };
    expect(drones.map((d) => [d.id, d.currentMissionId])).toEqual([
      ["DF-1003", "msn_100002"],
      ["DF-2003", "msn_100003"],
    ]);
  });

  it("answers 400 for a bad status, limit or cursor", async () => {
    const res = await call("/drones?status=lost&limit=0&cursor=bm9wZQ");
    expect(res.status).toBe(400);
    expect(withoutRequestId(await res.json())).toEqual({
      statusCode: 400,
      code: "VALIDATION_FAILED",
      message: "The request has 3 invalid fields; see details.",
      details: [
        { path: "status", message: 'Must be one of idle, in-flight, charging, maintenance; got "lost".' },
        { path: "limit", message: "Must be from 1 to 50; got 0." },
        { path: "cursor", message: "Not a cursor from a previous page; start without one." },
      ],
    });
  });
});

describe("GET /fleet/drones/{droneId}", () => {
  it("returns the drone", async () => {
    const res = await call("/drones/DF-1001");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      id: "DF-1001",
      model: "Kestrel K2",
      status: "idle",
      hub: { id: "osl-lysaker", name: "Oslo Lysaker" },
      batteryPercent: 97,
      maxPayloadKg: 2.5,
      rangeKm: 20,
      cruiseSpeedKmh: 72,
      position: { latitude: 59.9127, longitude: 10.6358, altitudeM: 0 },
      currentMissionId: null,
      lastContactAt: "2026-03-14T09:29:00Z",
    });
  });

  it("answers 404 for a drone that is not in the fleet", async () => {
    const res = await call("/drones/DF-9999", { headers: { "X-Request-Id": "req-fleet-1" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
      message: "No drone with id DF-9999 in your fleet.",
      requestId: "req-fleet-1",
    });
  });
});

describe("POST /fleet/drones/{droneId}/missions and GET /fleet/missions/{missionId}", () => {
  it("schedules a mission, which then flies and is delivered as time passes", async () => {
    const res = await postMission("DF-3001", {
      pickup: { latitude: 47.3912, longitude: 8.4889 },
      dropoff: { latitude: 47.3769, longitude: 8.5417, label: "Bahnhofstrasse" },
      payloadKg: 2,
      priority: "express",
    });
    expect(res.status).toBe(201);
    const mission = (await res.json()) as Mission & Record<string, unknown>;
    expect(res.headers.get("location")).toBe(`/fleet/missions/${mission.id}`);
    expect(mission).toEqual({
      id: expect.stringMatching(/^msn_\d+$/),
      droneId: "DF-3001",
      status: "scheduled",
      priority: "express",
      reference: null,
      pickup: { latitude: 47.3912, longitude: 8.4889 },
      dropoff: { latitude: 47.3769, longitude: 8.5417, label: "Bahnhofstrasse" },
      payloadKg: 2,
      distanceKm: 4.3,
      createdAt: "2026-03-14T09:30:00Z",
      departureAt: "2026-03-14T09:31:00Z",
      arrivalAt: expect.stringMatching(/^2026-03-14T09:3\d:\d\dZ$/),
      deliveredAt: null,
    });

    const fetched = await call(`/missions/${mission.id}`);
    expect(fetched.status).toBe(200);
    expect(await fetched.json()).toEqual(mission);

    clock.advance(2 * 60_000);
    const flying = (await (await call(`/missions/${mission.id}`)).json()) as Mission;
    expect(flying.status).toBe("in-flight");
    const drone = (await (await call("/drones/DF-3001")).json()) as Drone & { position: { altitudeM: number } };
    expect(drone).toMatchObject({ status: "in-flight", currentMissionId: mission.id, position: { altitudeM: 90 } });

    clock.advance(30 * 60_000);
    const done = (await (await call(`/missions/${mission.id}`)).json()) as Mission;
    expect(done).toMatchObject({ status: "delivered", deliveredAt: mission.arrivalAt });
    clock.set("2026-03-14T09:30:00Z");
  });

  it("queues a second mission behind the drone's first", async () => {
    const first = (await (await postMission("DF-2001", { ...nearby, pickup: { latitude: 51.8853, longitude: 4.4331 }, dropoff: { latitude: 51.92, longitude: 4.48 } })).json()) as Mission;
    const second = (await (await postMission("DF-2001", { ...nearby, pickup: { latitude: 51.8853, longitude: 4.4331 }, dropoff: { latitude: 51.92, longitude: 4.48 } })).json()) as Mission;
    expect(Date.parse(second.departureAt)).toBe(Date.parse(first.arrivalAt) + 5 * 60_000);
  });

  it("creates one mission per Idempotency-Key and replays it on a retry", async () => {
    const headers = { "Idempotency-Key": "9b1f0c4e-retry-test" };
    const first = await postMission("DF-3004", { ...nearby, pickup: { latitude: 47.3912, longitude: 8.4889 }, dropoff: { latitude: 47.38, longitude: 8.52 } }, headers);
    const again = await postMission("DF-3004", { ...nearby, pickup: { latitude: 47.3912, longitude: 8.4889 }, dropoff: { latitude: 47.38, longitude: 8.52 } }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const a = (await first.json()) as Mission;
    expect(await again.json()).toEqual(a);

    const different = await postMission("DF-3004", { ...nearby, payloadKg: 2 }, headers);
    expect(different.status).toBe(409);
    expect(((await different.json()) as { message: string }).message).toBe(
      "This Idempotency-Key was already used for a different mission request; use a new key for a new mission.",
    );
  });

  it("answers 404 for an unknown drone", async () => {
    const res = await postMission("DF-0000", nearby);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe("No drone with id DF-0000 in your fleet.");
  });

  it("answers 409 for a drone in maintenance", async () => {
    const res = await postMission("DF-1004", nearby);
    expect(res.status).toBe(409);
    expect(withoutRequestId(await res.json())).toEqual({
      statusCode: 409,
      code: "CONFLICT",
      message: "Drone DF-1004 is in maintenance and cannot take missions; choose another drone.",
    });
  });

  it("answers 400 when the payload is too heavy for the model", async () => {
    const res = await postMission("DF-1001", { ...nearby, payloadKg: 3 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown }).details).toEqual([
      { path: "payloadKg", message: "DF-1001 (Kestrel K2) carries at most 2.5 kg." },
    ]);
  });

  it("answers 400 when the round trip exceeds the drone's range", async () => {
    const res = await postMission("DF-1001", { ...nearby, dropoff: { latitude: 60.1976, longitude: 11.1004 } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { details: Array<{ path: string; message: string }> };
    expect(body.details).toHaveLength(1);
    expect(body.details[0]!.path).toBe("dropoff");
    expect(body.details[0]!.message).toMatch(/^The round trip hub → pickup → drop-off → hub is \d+\.\d km; DF-1001 \(Kestrel K2\) flies at most 20 km\.$/);
  });

  it("answers 400 with every invalid field", async () => {
    const res = await postMission("DF-1001", {
      pickup: { latitude: 91, longitude: 10 },
      payloadKg: -1,
      reference: "has spaces",
      colour: "red",
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: string; details: Array<{ path: string }> };
    expect(body.code).toBe("VALIDATION_FAILED");
    expect(body.details.map((d) => d.path).sort()).toEqual(["(body)", "dropoff", "payloadKg", "pickup.latitude", "reference"]);
  });

  it("answers 400 for a body that is not JSON, and 415 for another media type", async () => {
    const broken = await postMission("DF-1001", "{not json");
    expect(broken.status).toBe(400);
    expect(withoutRequestId(await broken.json())).toEqual({
      statusCode: 400,
      code: "BAD_REQUEST",
      message: "The body is not valid JSON.",
    });
    const form = await postMission("DF-1001", "payloadKg=1", { "Content-Type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { code: string }).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 405 to GET on the missions collection", async () => {
    const res = await call("/drones/DF-1001/missions");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("answers 404 for an unknown mission", async () => {
    const res = await call("/missions/msn_999999");
    expect(res.status).toBe(404);
    expect(withoutRequestId(await res.json())).toEqual({
      statusCode: 404,
      code: "NOT_FOUND",
      message: "No mission with id msn_999999.",
    });
  });

  it("starts with a delivered mission to look at", async () => {
    const res = await call("/missions/msn_100001");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "msn_100001", droneId: "DF-1001", status: "delivered", reference: "rx-20418" });
  });
});
