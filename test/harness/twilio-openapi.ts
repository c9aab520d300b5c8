/**
 * Validates traffic between the `twilio` SDK and the stand-in against Twilio's published OpenAPI spec
 * (../shared/data/twilio_api_v2010.json): request form fields and query parameters, and the stand-in's
 * response bodies. So the stand-in can't drift from what Twilio really accepts and answers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { projectRoot } from '../../embedded/project-root.js';
import type { TwilioOperation, TwilioStandInOptions } from '../../embedded/twilio-stand-in.js';

export const twilioSpecPath = path.join(projectRoot, '..', 'shared', 'data', 'twilio_api_v2010.json');

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema: object;
}
interface Spec {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: { properties: Record<string, object>; required?: string[] } }> }; responses: Record<string, { content?: Record<string, { schema: object }> }> }>>;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const messagesPath = '/2010-04-01/Accounts/{AccountSid}/Messages.json';
const messagePath = '/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json';

function newAjv(coerceTypes: boolean, spec: Spec): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes });
  addFormats(ajv);
  ajv.addFormat('phone-number', /^(\+[1-9]\d{6,14}|[a-z]+:\+?[\w.@-]+)$/);
  ajv.addFormat('date-time-rfc-2822', /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
  ajv.addFormat('currency', /^[A-Z]{3}$/);
  // The spec types page links as `format: uri`, yet its own examples (and Twilio's answers) are relative
  // references such as "/2010-04-01/Accounts/AC…/Messages.json?Page=0": accept URI references.
  ajv.addFormat('uri', (value: string) => /^(https?:\/\/[^\s]+|\/[^\s]*)$/.test(value));
  ajv.addSchema(spec as object, 'twilio');
  return ajv;
}

/** Resolves `#/components/...` refs against the spec document registered as `twilio`. */
function compile(ajv: Ajv, schema: object): ValidateFunction {
  const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"twilio#/')) as object;
  return ajv.compile(rewritten);
}

function describe(errors: ValidateFunction['errors']): string[] {
  return (errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

export function twilioOpenApiValidator(specFile: string = twilioSpecPath): NonNullable<TwilioStandInOptions['validator']> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as Spec;
  const strictAjv = newAjv(false, spec);
  const formAjv = newAjv(true, spec);
  const create = spec.paths[messagesPath]!.post!;
  const list = spec.paths[messagesPath]!.get!;
  const fetchOne = spec.paths[messagePath]!.get!;
  const formSchema = create.requestBody!.content['application/x-www-form-urlencoded']!.schema;
  const validateForm = compile(formAjv, formSchema);
  const operations: Record<TwilioOperation, { parameters: Parameter[]; responses: Record<string, { content?: Record<string, { schema: object }> }> }> = {
    createMessage: { parameters: [...(spec.paths[messagesPath]!.post!.parameters ?? [])], responses: create.responses },
    listMessages: { parameters: list.parameters ?? [], responses: list.responses },
    fetchMessage: { parameters: fetchOne.parameters ?? [], responses: fetchOne.responses },
  };
  const responseValidators = new Map<string, ValidateFunction>();

  return {
    request(operation, input) {
      const problems: string[] = [];
      const { parameters } = operations[operation];
      for (const p of parameters) {
        const value = p.in === 'path' ? input.params[p.name] : p.in === 'query' ? input.query[p.name] : undefined;
        if (value === undefined) {
          if (p.required) problems.push(`missing required ${p.in} parameter ${p.name}`);
          continue;
        }
        const v = compile(formAjv, p.schema);
        if (!v(value)) problems.push(...describe(v.errors).map((m) => `${p.in} parameter ${p.name}: ${m}`));
      }
      for (const key of Object.keys(input.query)) {
        if (!parameters.some((p) => p.in === 'query' && p.name === key)) problems.push(`unknown query parameter ${key}`);
      }
      if (operation === 'createMessage') {
        for (const key of Object.keys(input.body)) {
          if (!(key in formSchema.properties)) problems.push(`unknown form field ${key}`);
        }
        const body = { ...input.body };
        if (!validateForm(body)) problems.push(...describe(validateForm.errors).map((m) => `form ${m}`));
      }
      return problems;
    },
    response(operation, status, body) {
      const content = operations[operation].responses[String(status)]?.content?.['application/json'];
      if (!content) {
        // Error bodies are not described per status in the spec; check the shape Twilio documents.
        const e = body as Record<string, unknown>;
        return status >= 400 && typeof e.code === 'number' && typeof e.message === 'string' && e.status === status
          ? []
          : [`undocumented status ${status} or malformed error body ${JSON.stringify(body)}`];
      }
      const key = `${operation}:${status}`;
      let validate = responseValidators.get(key);
      if (!validate) {
        validate = compile(strictAjv, content.schema);
        responseValidators.set(key, validate);
      }
      return validate(JSON.parse(JSON.stringify(body))) ? [] : describe(validate.errors);
    },
  };
}
