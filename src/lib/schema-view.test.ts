import { describe, expect, it } from "vitest";
import { componentName, RowBudget, SchemaExpander, type SchemaRow } from "./schema-view.ts";

const doc = {
  components: {
    schemas: {
      Pet: {
        allOf: [{ $ref: "#/components/schemas/Base" }, { type: "object", required: ["name"], properties: { name: { type: "string", maxLength: 40 } } }],
        description: "A pet.",
      },
      Base: { type: "object", required: ["id"], properties: { id: { type: "integer", format: "int64", readOnly: true } } },
      Node: {
        type: "object",
        properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } },
      },
      Payment: {
        oneOf: [{ $ref: "#/components/schemas/Card" }, { $ref: "#/components/schemas/Bank" }],
        discriminator: { propertyName: "kind" },
      },
      Card: { type: "object", properties: { kind: { type: "string", enum: ["card"] }, last4: { type: "string" } } },
      Bank: { type: "object", properties: { kind: { type: "string", enum: ["bank"] }, iban: { type: ["string", "null"] } } },
      Deep: { type: "object", properties: { a: { type: "object", properties: { b: { type: "object", properties: { c: { type: "object", properties: { d: { type: "string" } } } } } } } } },
      "a/b": { type: "string" },
    },
  },
};

function expand(schema: unknown, maxDepth = 5, budget = 1000): { row: SchemaRow; used: number } {
  const b = new RowBudget(budget);
  const row = new SchemaExpander(doc, { maxDepth }, b).root(schema);
  return { row, used: b.used };
}

function count(row: SchemaRow): number {
  return 1 + row.children.reduce((n, c) => n + count(c), 0);
}

describe("schema expansion: happy", () => {
  it("folds allOf into one object with the members' required fields", () => {
    const { row } = expand({ $ref: "#/components/schemas/Pet" });
    expect(row.schemaName).toBe("Pet");
    expect(row.type).toBe("object");
    expect(row.description).toBe("A pet.");
    expect(row.children.map((c) => [c.name, c.type, c.required])).toEqual([
      ["id", "integer (int64)", true],
      ["name", "string", true],
    ]);
    expect(row.children[0]!.facts).toEqual(["read-only"]);
    expect(row.children[1]!.facts).toEqual(["max length: 40"]);
  });

  it("lists oneOf variants by component name, with the discriminator", () => {
    const { row } = expand({ $ref: "#/components/schemas/Payment" });
    expect(row.type).toBe("one of");
    expect(row.facts).toEqual(["discriminator: kind"]);
    expect(row.children.map((c) => [c.role, c.schemaName])).toEqual([
      ["variant", "Card"],
      ["variant", "Bank"],
    ]);
    expect(row.children[1]!.children.find((c) => c.name === "iban")!.type).toBe("string | null");
    expect(row.children[0]!.children[0]!.facts).toEqual(['enum: "card"']);
  });

  it("names an array's item schema and shows the items' fields", () => {
    const { row } = expand({ type: "array", items: { $ref: "#/components/schemas/Card" } });
    expect(row.type).toBe("array of Card");
    expect(row.itemsSchemaName).toBe("Card");
    expect(row.children.map((c) => c.name)).toEqual(["kind", "last4"]);
  });

  it("decodes JSON-pointer escapes in component names", () => {
    expect(componentName("#/components/schemas/a~1b")).toBe("a/b");
    expect(componentName("#/definitions/Pet")).toBe("Pet");
    expect(componentName("#/paths/~1pets")).toBeUndefined();
  });
});

describe("schema expansion: bounds", () => {
  it("stops a recursive schema where it repeats, naming it", () => {
    const { row } = expand({ $ref: "#/components/schemas/Node" });
    const children = row.children.find((c) => c.name === "children")!;
    expect(children.type).toBe("array of Node");
    expect(children.children).toEqual([]);
    expect(children.cut).toBe("cycle");
  });

  it("stops at the depth bound", () => {
    const { row } = expand({ $ref: "#/components/schemas/Deep" }, 2);
    const b = row.children[0]!.children[0]!;
    expect(b.name).toBe("b");
    expect(b.children).toEqual([]);
    expect(b.cut).toBe("depth");
  });

  it("never prints more rows than the page's budget, whatever the schema", () => {
    const wide = { type: "object", properties: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, { $ref: "#/components/schemas/Pet" }])) };
    const { row, used } = expand(wide, 5, 50);
    expect(used).toBe(50);
    expect(count(row)).toBe(50);
    expect(row.cut).toBe("budget");
  });

  it("shares one budget between the schemas of a page", () => {
    const budget = new RowBudget(10);
    const expander = new SchemaExpander(doc, { maxDepth: 5 }, budget);
    const first = expander.root({ $ref: "#/components/schemas/Pet" });
    const second = expander.root({ $ref: "#/components/schemas/Deep" });
    expect(count(first) + count(second)).toBeLessThanOrEqual(10);
    expect(budget.used).toBe(count(first) + count(second));
  });
});

describe("schema expansion: errors", () => {
  it("reports a $ref that points nowhere instead of throwing", () => {
    const { row } = expand({ $ref: "#/components/schemas/Missing" });
    expect(row.type).toBe("$ref #/components/schemas/Missing (not found)");
    expect(row.children).toEqual([]);
  });

  it("survives an allOf that includes itself", () => {
    const cyclic = { components: { schemas: { Loop: { allOf: [{ $ref: "#/components/schemas/Loop" }], properties: { x: { type: "string" } } } } } };
    const row = new SchemaExpander(cyclic, { maxDepth: 3 }, new RowBudget(100)).root({ $ref: "#/components/schemas/Loop" });
    expect(row.children.map((c) => c.name)).toEqual(["x"]);
  });
});
