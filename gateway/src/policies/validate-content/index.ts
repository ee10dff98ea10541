/**
 * validate-content: one ajv validator per documented JSON media type of
 * the operation, compiled when the configuration loads. Per call: the
 * body (read by the pipeline, bounded by maxSize) is parsed and validated.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { ErrorCode } from "../../errors.ts";
import { headerValue } from "../headers.ts";
import { fail, makeStep, type PolicyDefinition, type StepResult } from "../types.ts";
import { isJsonType } from "../xml.ts";
import { compileSchema } from "./openapi-schema.ts";
import { validateContentPolicy } from "./schema.ts";

export const priority = validateContentPolicy.priority;

/** A JSON pointer segment (RFC 6901). */
const segment = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/** The pointer of the value an ajv error is about: for a missing or extra property, the property itself. */
export function pointerOf(error: ErrorObject): string {
  const params = error.params as { missingProperty?: string; additionalProperty?: string; unevaluatedProperty?: string };
  const extra = params.missingProperty ?? params.additionalProperty ?? params.unevaluatedProperty;
  return extra === undefined ? error.instancePath : `${error.instancePath}/${segment(extra)}`;
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case "required":
      return "is required";
    case "additionalProperties":
    case "unevaluatedProperties":
      return "is not allowed";
    case "enum":
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return error.message ?? "is invalid";
  }
}

interface Media {
  type: string;
  /** null: a documented non-JSON type, only its presence is checked. */
  validate: ValidateFunction | null;
  json: boolean;
}

export const definition: PolicyDefinition<typeof validateContentPolicy.schema> = {
  ...validateContentPolicy,
  perOperation: true,
  create(options, ctx) {
    const { operation, version } = ctx.target!;
    const body = operation.requestBody;
    const media: Media[] = Object.entries(body?.content ?? {}).map(([type, { schema }]) => {
      const json = isJsonType(type);
      return { type: type.toLowerCase(), json, validate: json && schema !== undefined ? compileSchema(schema, version.document, version.specVersion) : null };
    });
    const required = body?.required ?? false;
    const { unspecifiedContentType, action } = options;
    const detectOnly = action === "detect";
    const { env } = ctx;
    const refuse = (result: StepResult, problem: string): StepResult => {
      if (!detectOnly) return result;
      env.logger.warn("validate-content: invalid request body (detect only)", { operation: operation.id, problem });
      return undefined;
    };

    return makeStep(
      ctx,
      "validate-content",
      function validateContent(ex) {
        if (body === undefined) return undefined;
        const payload = ex.body;
        if (payload === null || payload.length === 0) {
          return required ? refuse(fail("validate-content", "BodyMissing", ErrorCode.CONTENT_INVALID, "The request body is required."), "missing body") : undefined;
        }
        if (payload.length > options.maxSize) {
          return refuse(fail("validate-content", "PayloadTooLarge", ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${options.maxSize} bytes.`), "too large");
        }
        const contentType = (headerValue(ex.headers, "content-type") ?? "").split(";")[0]!.trim().toLowerCase();
        const match = media.find((m) => m.type === contentType) ?? media.find((m) => m.type.endsWith("/*") && contentType.startsWith(m.type.slice(0, -1))) ?? media.find((m) => m.type === "*/*");
        if (match === undefined) {
          if (unspecifiedContentType === "allow") return undefined;
          const documented = media.map((m) => m.type).join(", ");
          return refuse(
            fail("validate-content", "ContentTypeNotAllowed", ErrorCode.UNSUPPORTED_MEDIA_TYPE, `The request body's content type '${contentType || "(none)"}' is not accepted here; send ${documented}.`),
            `content type ${contentType}`,
          );
        }
        if (!match.json) return undefined;
        let value: unknown;
        try {
          value = JSON.parse(payload.toString("utf8"));
        } catch {
          return refuse(fail("validate-content", "JsonParseFailure", ErrorCode.CONTENT_INVALID, "The request body is not valid JSON."), "not JSON");
        }
        if (match.validate === null || match.validate(value)) return undefined;
        const errors = (match.validate.errors ?? []).slice(0, 10);
        const details = errors.map((e) => ({ path: pointerOf(e), message: describe(e) }));
        const first = details[0]!;
        const message = `The request body does not match the definition: ${first.path === "" ? "the body" : first.path} ${first.message}.`;
        return refuse(fail("validate-content", "SchemaValidationFailure", ErrorCode.CONTENT_INVALID, message, undefined, details), message);
      },
      { requestBodyLimit: options.maxSize },
    );
  },
};
