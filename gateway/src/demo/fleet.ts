/**
 * The Drone Fleet API: list and inspect drones, send one on a mission, and
 * follow the mission. Only members of the `partners` group can see it in the
 * portal; the backend itself trusts the gateway to have checked the key.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ErrorCode } from "../errors.ts";
import { type DemoEnv, type Details, enumQuery, intQuery, methodNotAllowed, sendError, sendInvalid } from "./http.ts";
import { type DroneStatus, DRONE_IDS, Fleet, HUB_IDS, type HubId } from "./fleet-data.ts";

const DRONE_STATUSES: readonly DroneStatus[] = ["idle", "in-flight", "charging", "maintenance"];

const place = z.strictObject({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  label: z.string().trim().min(1).max(120).optional(),
});

const missionRequest = z.strictObject({
  pickup: place,
  dropoff: place,
  payloadKg: z.number().gt(0).max(50),
  reference: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, "Use 1 to 64 letters, digits, dots, underscores, colons or hyphens.")
    .optional(),
  priority: z.enum(["standard", "express"]).optional(),
});

export function fleetRoutes(options: { now: () => Date }): Hono<DemoEnv> {
  const app = new Hono<DemoEnv>();
  const fleet = new Fleet(options.now);
  /** Idempotency-Key → the mission it created and the request that created it. */
  const replays = new Map<string, { request: string; missionId: string }>();

  app.get("/drones", function listDrones(c) {
    const details: Details = [];
    const status = enumQuery(c, "status", DRONE_STATUSES, details);
    const hub = enumQuery<HubId>(c, "hub", HUB_IDS, details);
    const limit = intQuery(c, "limit", { min: 1, max: 50, default: 20 }, details);
    const cursor = c.req.query("cursor");
    let after = -1;
    if (cursor !== undefined && cursor !== "") {
      after = DRONE_IDS.indexOf(Buffer.from(cursor, "base64url").toString("utf8"));
      if (after === -1) details.push({ path: "cursor", message: "Not a cursor from a previous page; start without one." });
    }
    if (details.length > 0) return sendInvalid(c, details);

    const matching = fleet.drones({ status, hub }).filter((d) => DRONE_IDS.indexOf(d.id) > after);
    const page = matching.slice(0, limit);
    const nextCursor = matching.length > limit ? Buffer.from(page.at(-1)!.id, "utf8").toString("base64url") : null;
    return c.json({ drones: page, nextCursor });
  });

  app.get("/drones/:droneId", function getDrone(c) {
    const drone = fleet.drone(c.req.param("droneId"));
    if (!drone) return droneNotFound(c, c.req.param("droneId"));
    return c.json(drone);
  });

  app.post("/drones/:droneId/missions", async function createMission(c) {
    const droneId = c.req.param("droneId");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "application/json") {
      return sendError(c, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Send the mission as JSON with Content-Type: application/json.");
    }
    let json: unknown;
    try {
      json = JSON.parse(await c.req.text());
    } catch {
      return sendError(c, ErrorCode.BAD_REQUEST, "The body is not valid JSON.");
    }
    const parsed = missionRequest.safeParse(json);
    if (!parsed.success) {
      return sendInvalid(
        c,
        parsed.error.issues.map((issue) => ({ path: issue.path.join(".") || "(body)", message: issue.message })),
      );
    }

    const idempotencyKey = c.req.header("idempotency-key");
    const fingerprint = JSON.stringify([droneId, parsed.data]);
    if (idempotencyKey !== undefined) {
      if (!/^[\x21-\x7e]{1,255}$/.test(idempotencyKey)) {
        return sendInvalid(c, [{ path: "Idempotency-Key", message: "Must be 1 to 255 visible ASCII characters, e.g. a UUID." }]);
      }
      const earlier = replays.get(idempotencyKey);
      if (earlier !== undefined) {
        if (earlier.request !== fingerprint) {
          return sendError(
            c,
            ErrorCode.CONFLICT,
            "This Idempotency-Key was already used for a different mission request; use a new key for a new mission.",
          );
        }
        c.header("Idempotent-Replayed", "true");
        c.header("Location", `/fleet/missions/${earlier.missionId}`);
        return c.json(fleet.mission(earlier.missionId)!, 201);
      }
    }

    const result = fleet.createMission(droneId, parsed.data);
    if (!result.ok) {
      const r = result.refusal;
      switch (r.kind) {
        case "unknown-drone":
          return droneNotFound(c, droneId);
        case "unavailable":
          return sendError(c, ErrorCode.CONFLICT, `Drone ${droneId} is in ${r.status} and cannot take missions; choose another drone.`);
        case "too-heavy":
          return sendInvalid(c, [
            { path: "payloadKg", message: `${droneId} (${r.model}) carries at most ${r.maxPayloadKg} kg.` },
          ]);
        case "out-of-range":
          return sendInvalid(c, [
            {
              path: "dropoff",
              message: `The round trip hub → pickup → drop-off → hub is ${r.routeKm} km; ${droneId} (${r.model}) flies at most ${r.rangeKm} km.`,
            },
          ]);
      }
    }
    if (idempotencyKey !== undefined) replays.set(idempotencyKey, { request: fingerprint, missionId: result.mission.id });
    c.header("Location", `/fleet/missions/${result.mission.id}`);
    return c.json(result.mission, 201);
  });

  app.get("/missions/:missionId", function getMission(c) {
    const id = c.req.param("missionId");
    const mission = fleet.mission(id);
    if (!mission) return sendError(c, ErrorCode.NOT_FOUND, `No mission with id ${id}.`);
    return c.json(mission);
  });

  app.all("/drones", methodNotAllowed(["GET", "HEAD"]));
  app.all("/drones/:droneId", methodNotAllowed(["GET", "HEAD"]));
  app.all("/drones/:droneId/missions", methodNotAllowed(["POST"]));
  app.all("/missions/:missionId", methodNotAllowed(["GET", "HEAD"]));
  return app;
}

function droneNotFound(c: Parameters<typeof sendError>[0], droneId: string): Response {
  return sendError(c, ErrorCode.NOT_FOUND, `No drone with id ${droneId} in your fleet.`);
}
