/**
 * The part of JSON Schema a workflow's `input` is written in (object, properties, required;
 * string, number, integer, boolean, array, object), and the validator built from it. Objects
 * reject properties they do not name unless `additionalProperties` is true, as request bodies do.
 */
import * as z from "zod";
import type { ApiIssue } from "../../protocol/api-error.ts";
import { issuesOf } from "../http/body.ts";

/** The value types a property may have. */
export type ValueType = "string" | "number" | "integer" | "boolean" | "array" | "object";

/** One property of the input, or the input itself (an object). */
export interface PropertySchema {
  type: ValueType;
  title?: string;
  description?: string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  items?: PropertySchema;
  maxItems?: number;
  properties?: Record<string, PropertySchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** A workflow's input schema: always an object with named properties. */
export type InputSchema = PropertySchema & {
  type: "object";
  properties: Record<string, PropertySchema>;
};

const count = z.int().min(0);

/** The schema of a schema: unknown keywords are rejected, so a typo is reported, not ignored. */
export const PropertySchema: z.ZodType<PropertySchema> = z.lazy(() =>
  z.strictObject({
    type: z.enum(["string", "number", "integer", "boolean", "array", "object"]),
    title: z.string().optional(),
    description: z.string().optional(),
    enum: z.array(z.string()).min(1).optional(),
    minLength: count.optional(),
    maxLength: count.optional(),
    minimum: z.number().optional(),
    maximum: z.number().optional(),
    items: PropertySchema.optional(),
    maxItems: count.optional(),
    properties: z.record(z.string(), PropertySchema).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.boolean().optional(),
  }).superRefine((schema, ctx) => {
    for (const name of schema.required ?? []) {
      if (!schema.properties || !Object.hasOwn(schema.properties, name)) {
        ctx.addIssue({
          code: "custom",
          path: ["required"],
          message: `names "${name}", which is not in properties`,
        });
      }
    }
  })
);

/** A workflow's input schema: an object schema that names its properties. */
export const InputSchema = PropertySchema.refine(
  (schema) => schema.type === "object" && schema.properties !== undefined,
  { message: "must be an object schema with properties" },
) as z.ZodType<InputSchema>;

/** What checking an input gives: the input, or issues naming each offending path. */
export type InputCheck =
  | { ok: true; input: Record<string, unknown> }
  | { ok: false; issues: ApiIssue[] };

/** Builds the validator of an input schema once; it reports paths as `input.<path>`. */
export function inputValidator(schema: InputSchema): (value: unknown) => InputCheck {
  const validator = zodOf(schema);
  return (value) => {
    const result = validator.safeParse(value);
    if (result.success) return { ok: true, input: result.data as Record<string, unknown> };
    return { ok: false, issues: issuesOf(result.error.issues, ["input"]) };
  };
}

function zodOf(schema: PropertySchema): z.ZodType {
  switch (schema.type) {
    case "string": {
      if (schema.enum) return z.enum(schema.enum as [string, ...string[]]);
      let text = z.string();
      if (schema.minLength !== undefined) text = text.min(schema.minLength);
      if (schema.maxLength !== undefined) text = text.max(schema.maxLength);
      return text;
    }
    case "number":
    case "integer": {
      let number = schema.type === "integer" ? z.int() : z.number();
      if (schema.minimum !== undefined) number = number.min(schema.minimum);
      if (schema.maximum !== undefined) number = number.max(schema.maximum);
      return number;
    }
    case "boolean":
      return z.boolean();
    case "array": {
      const list = z.array(schema.items ? zodOf(schema.items) : z.unknown());
      return schema.maxItems === undefined ? list : list.max(schema.maxItems);
    }
    case "object": {
      if (!schema.properties) return z.record(z.string(), z.unknown());
      const required = new Set(schema.required ?? []);
      const shape = Object.fromEntries(
        Object.entries(schema.properties).map(([name, property]) => {
          const value = zodOf(property);
          return [name, required.has(name) ? value : value.optional()];
        }),
      );
      return schema.additionalProperties ? z.looseObject(shape) : z.strictObject(shape);
    }
  }
}
