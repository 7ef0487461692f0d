/**
 * Zapier's integration checks (the ones `zapier-platform validate` and the publishing flow report by id, e.g.
 * `D021`), as far as they can be decided offline:
 *
 * - `checkDefinition(definition)`: the D checks, on the app definition and its static samples;
 * - `checkLiveResults(definition, results)`: the T and Z checks, which Zapier runs on the Zap History and on the
 *   samples a Zap pulled, here run on results captured from the app running against the real backend (the runtime
 *   end-to-end test writes them to `test/fixtures/live-results.json`, see `LiveResultsFile`).
 *
 * Zapier publishes what each check means, not its code; where the text leaves room (what counts as a date, an ID
 * field, title case) these checks take the stricter reading. Checks that need Zapier's servers (connected
 * accounts, users, marketing, lifecycle, compatibility with a public version) are not here.
 *
 * `definition` is the app as `zapier-platform-core` compiles it (functions become `$func$…` strings) or the app
 * object itself: only plain fields are read. No dependencies beyond Node, so backend tests can import it too.
 */

type Json = Record<string, unknown>;

/** One failed check: which check, where in the definition or the results, and what is wrong. */
export interface Violation {
  check: string;
  where: string;
  message: string;
}

/** The kinds of operation a Zapier app has. */
export type OperationKind = 'triggers' | 'creates' | 'searches';

/**
 * What one app function returned when it ran against the real backend (one entry of the live-results fixture).
 * Items are exactly what Zapier would have received: a trigger's array, a search's array, or a create's object as
 * a one-element array.
 */
export interface LiveResult {
  kind: OperationKind;
  /** The trigger, create or search key, e.g. `order`. */
  key: string;
  /** `perform` (a live run, as in the Zap History) or `performList` (a sample pulled in the Zap editor). */
  method: 'perform' | 'performList';
  /** Which variant ran, e.g. the trigger's event type `NEW_SALE`: pairs a performList with its live perform (T006). */
  case?: string;
  items: Json[];
}

/** The fixture the runtime end-to-end test writes (`UPDATE_LIVE_RESULTS=1`) and the unit tests check. */
export interface LiveResultsFile {
  /** When the results were captured (ISO-8601). */
  capturedAt: string;
  /** What produced them, e.g. "zapier/test/e2e/app-against-runtime.test.ts against the local runtime". */
  source: string;
  results: LiveResult[];
}

export interface CheckOptions {
  /** The app's name, which must not appear in descriptions (Zapier adds it itself). */
  appName?: string;
  /**
   * D004 exceptions: `<kind>.<key>.<field>` of ID inputs that are free text by nature (no list to pick from), e.g.
   * the order id a search looks for. Each needs a reason where it is declared.
   */
  freeTextIds?: readonly string[];
}

// ----------------------------------------------------------------------------------------------- JSON helpers

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isJson) : []);

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const OPERATION_KINDS: readonly OperationKind[] = ['triggers', 'creates', 'searches'];

interface Operation {
  kind: OperationKind;
  key: string;
  path: string;
  display: Json;
  operation: Json;
  hidden: boolean;
}

const operationsOf = (definition: unknown): Operation[] => {
  if (!isJson(definition)) return [];
  return OPERATION_KINDS.flatMap((kind) => {
    const group = definition[kind];
    if (!isJson(group)) return [];
    return Object.entries(group).flatMap(([key, value]) => {
      if (!isJson(value)) return [];
      const display = isJson(value.display) ? value.display : {};
      const operation = isJson(value.operation) ? value.operation : {};
      return [{ kind, key, path: `${kind}.${key}`, display, operation, hidden: display.hidden === true }];
    });
  });
};

const isHook = (op: Operation): boolean => op.kind === 'triggers' && op.operation.type === 'hook';

/** An input field with where it sits (children included, one level deep). */
interface FieldAt {
  field: Json;
  where: string;
}

const inputFieldsOf = (op: Operation): FieldAt[] =>
  objects(op.operation.inputFields).flatMap((field, index) => {
    const where = `${op.path}.inputFields[${String(field.key ?? index)}]`;
    return [
      { field, where },
      ...objects(field.children).map((child, childIndex) => ({
        field: child,
        where: `${where}.children[${String(child.key ?? childIndex)}]`,
      })),
    ];
  });

const authFieldsOf = (definition: unknown): FieldAt[] => {
  const auth = isJson(definition) && isJson(definition.authentication) ? definition.authentication : {};
  return objects(auth.fields).map((field, index) => ({
    field,
    where: `authentication.fields[${String(field.key ?? index)}]`,
  }));
};

/** Every string in a value, with its path. */
const stringsIn = (value: unknown, path: string): { path: string; value: string }[] => {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringsIn(item, `${path}[${index}]`));
  if (isJson(value)) return Object.entries(value).flatMap(([key, item]) => stringsIn(item, `${path}.${key}`));
  return [];
};

// ------------------------------------------------------------------------------------------------ dates (D023, T003)

const pad2 = /^\d{2}$/;

const isRealDate = (year: number, month: number, day: number): boolean => {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2})(?::?(\d{2}))?)$/;

/** ISO-8601 as Zapier asks for it: a date (`2023-08-01`), or a date-time with a zone (`…T06:50:30-05:00`, `…Z`). */
export const isIsoDateOrDateTime = (value: string): boolean => {
  const date = ISO_DATE.exec(value);
  if (date) return isRealDate(Number(date[1]), Number(date[2]), Number(date[3]));
  const dateTime = ISO_DATE_TIME.exec(value);
  if (!dateTime) return false;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = dateTime;
  return (
    isRealDate(Number(year), Number(month), Number(day)) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    (second === undefined || Number(second) < 60) &&
    (offsetHours === undefined || (pad2.test(offsetHours) && Number(offsetHours) <= 14)) &&
    (offsetMinutes === undefined || Number(offsetMinutes) < 60)
  );
};

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';
/** Strings that are meant as a date or time, in any common notation. */
const DATE_LIKE: readonly RegExp[] = [
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}|$)/, // 2023-08-01, 2023-08-01 06:50:30, 2023-08-01T06:50:30
  /^\d{4}\/\d{1,2}\/\d{1,2}\b/, // 2023/08/01
  /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b/, // 08/01/2023, 1.8.2023
  new RegExp(`^\\d{1,2}\\s+${MONTH}\\s+\\d{4}\\b`, 'i'), // 01 Aug 2023
  new RegExp(`^${MONTH}\\s+\\d{1,2},?\\s+\\d{4}\\b`, 'i'), // Aug 1, 2023
  /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+\d/i, // Mon, 25 Jun 2012 16:41:54 -0400
];

/** Keys that name a date or time (`dateCreated`, `nextBillDate`, `occurredAt`, `created_at`, …). */
const DATE_KEY = /^date(?:$|[A-Z_])|Date$|_date$|[a-z]At$|_at$/;

const dateProblems = (value: unknown, path: string, key: string | undefined): string[] => {
  if (Array.isArray(value))
    return value.flatMap((item, index) => dateProblems(item, `${path}[${index}]`, key));
  if (isJson(value)) {
    return Object.entries(value).flatMap(([childKey, item]) =>
      dateProblems(item, `${path}.${childKey}`, childKey),
    );
  }
  const dateKey = key !== undefined && DATE_KEY.test(key);
  if (typeof value === 'string') {
    if (value.trim() === '' || isIsoDateOrDateTime(value)) return [];
    if (dateKey || DATE_LIKE.some((pattern) => pattern.test(value.trim()))) {
      return [`${path} = ${JSON.stringify(value)} is not ISO-8601 with a zone offset`];
    }
    return [];
  }
  if (typeof value === 'number' && dateKey) {
    return [`${path} = ${value} is a number where a date is expected (use ISO-8601, not a Unix timestamp)`];
  }
  return [];
};

// ------------------------------------------------------------------------------------- output fields (D024, T005, Z001)

/** Whether `value` is of the declared output field type (Zapier's field types; absent means string). */
const matchesType = (value: unknown, type: string): boolean => {
  switch (type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'datetime':
      return typeof value === 'string' && isIsoDateOrDateTime(value);
    default:
      return typeof value === 'string';
  }
};

const isBlank = (value: unknown): boolean => value === undefined || value === null || value === '';

/**
 * Where a record breaks its output fields: a required field missing or empty, or a value of another type than
 * declared. Line items (`children`) are arrays of objects checked field by field; `list` fields arrays of the type.
 * An empty value (`null`) is allowed where the field is not required: Konnektive leaves fields empty.
 */
const outputFieldProblems = (record: Json, fields: readonly Json[], path: string): string[] =>
  fields.flatMap((field) => {
    const key = text(field.key);
    if (key === undefined) return [];
    const value = record[key];
    const at = `${path}.${key}`;
    if (isBlank(value))
      return field.required === true
        ? [`${at} is required but ${value === undefined ? 'missing' : 'empty'}`]
        : [];
    const children = objects(field.children);
    if (children.length > 0) {
      if (!Array.isArray(value) || !value.every(isJson)) return [`${at} should be an array of line items`];
      return value.flatMap((item, index) => outputFieldProblems(item, children, `${at}[${index}]`));
    }
    const type = text(field.type) ?? 'string';
    if (field.list === true) {
      if (!Array.isArray(value)) return [`${at} should be a list of ${type}`];
      return value.flatMap((item, index) =>
        matchesType(item, type) ? [] : [`${at}[${index}] = ${JSON.stringify(item)} is not of type ${type}`],
      );
    }
    return matchesType(value, type) ? [] : [`${at} = ${JSON.stringify(value)} is not of type ${type}`];
  });

// ------------------------------------------------------------------------------------------------- text rules

/** D008: a Markdown text whose links are all `[text](https://…)` and whose bare URLs sit in backticks. */
const markdownLinkProblem = (value: string): string | undefined => {
  const withoutCode = value.replace(/`[^`]*`/g, '');
  const withoutLinks = withoutCode.replace(/\[[^\]\n]+\]\(https?:\/\/[^\s()]+\)/g, '');
  if (/https?:\/\/|www\./i.test(withoutLinks))
    return 'has a bare URL (make it a [link](…) or put it in backticks)';
  if (/\]\s*\(|\[[^\]]*\(https?:/.test(withoutLinks)) return 'has a broken Markdown link';
  return undefined;
};

const normalizedWords = (value: string): string => value.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** Words that title case keeps lower-case unless they start or end the label. */
const MINOR_WORDS = new Set([
  'a',
  'an',
  'and',
  'as',
  'at',
  'but',
  'by',
  'for',
  'from',
  'in',
  'into',
  'nor',
  'of',
  'on',
  'onto',
  'or',
  'the',
  'to',
  'via',
  'with',
]);

/** D018: "Create New Sale", "Find or Create Customer"; the offending words otherwise. */
const titleCaseProblems = (label: string): string[] => {
  const words = label.split(/\s+/).filter((word) => word !== '');
  return words.flatMap((word, index) => {
    const letters = word.replace(/^[^A-Za-z0-9]+/, '');
    const first = letters.charAt(0);
    if (first === '' || /\d/.test(first)) return [];
    const minor = MINOR_WORDS.has(letters.toLowerCase()) && index > 0 && index < words.length - 1;
    if (minor) return letters === letters.toLowerCase() ? [] : [word];
    return first === first.toUpperCase() ? [] : [word];
  });
};

const ID_KEY = /(?:^id$|[a-z]Id$|_id$|ID$)/;
const ID_LABEL = /\bID$/;

const CREDENTIAL_FIELD =
  /api[\s_-]?key|apikey|api[\s_-]?token|access[\s_-]?token|secret|password|login[\s_-]?id|username/i;

// --------------------------------------------------------------------------------------------- the D checks

type DefinitionCheck = (definition: Json, options: Required<CheckOptions>) => Violation[];

const violation = (check: string, where: string, message: string): Violation => ({ check, where, message });

const visibleOperations = (definition: Json): Operation[] =>
  operationsOf(definition).filter((op) => !op.hidden);

const searchOrCreatesOf = (definition: Json): { key: string; value: Json }[] =>
  isJson(definition.searchOrCreates)
    ? Object.entries(definition.searchOrCreates).flatMap(([key, value]) =>
        isJson(value) ? [{ key, value }] : [],
      )
    : [];

/** The D checks, by id, with Zapier's title. */
export const DEFINITION_CHECKS: Record<string, { title: string; run: DefinitionCheck }> = {
  D001: {
    title: 'Asks for API Key in Action Instead of in Auth',
    run: (definition) =>
      visibleOperations(definition).flatMap((op) =>
        inputFieldsOf(op).flatMap(({ field, where }) =>
          [text(field.key), text(field.label)].some(
            (name) => name !== undefined && CREDENTIAL_FIELD.test(name),
          )
            ? [
                violation(
                  'D001',
                  where,
                  'asks for a credential; credentials belong in the authentication fields',
                ),
              ]
            : [],
        ),
      ),
  },
  D002: {
    title: 'Provide Link in Help Text for Auth Fields',
    run: (definition) => {
      const fields = authFieldsOf(definition).filter(({ field }) => field.computed !== true);
      if (fields.length === 0) return [];
      const linked = fields.some(({ field }) =>
        /\[[^\]\n]+\]\(https:\/\/[^\s)]+\)/.test(text(field.helpText) ?? ''),
      );
      return linked
        ? []
        : [
            violation(
              'D002',
              'authentication.fields',
              'no auth field help text links to where the credentials are',
            ),
          ];
    },
  },
  D003: {
    title: 'Connection Label Should Be Set',
    run: (definition) => {
      const auth = isJson(definition.authentication) ? definition.authentication : undefined;
      if (!auth) return [];
      const label = auth.connectionLabel;
      if (isJson(label) || (typeof label === 'string' && /\$func\$|\{\{\s*[\w.]+\s*\}\}/.test(label)))
        return [];
      return [
        violation(
          'D003',
          'authentication.connectionLabel',
          `should identify the account from the test's answer (got ${JSON.stringify(label ?? null)})`,
        ),
      ];
    },
  },
  D004: {
    title: 'ID Fields Should Have Dynamic Dropdowns',
    run: (definition, options) =>
      visibleOperations(definition).flatMap((op) =>
        inputFieldsOf(op).flatMap(({ field, where }) => {
          const key = text(field.key) ?? '';
          const isId = ID_KEY.test(key) || ID_LABEL.test(text(field.label) ?? '');
          const exempt = options.freeTextIds.includes(`${op.path}.${key}`);
          const hasDropdown = typeof field.dynamic === 'string' || field.choices !== undefined;
          return isId && !exempt && !hasDropdown
            ? [violation('D004', where, 'is an ID input without a dynamic dropdown')]
            : [];
        }),
      ),
  },
  D005: {
    title: 'Dynamic Dropdown Connects to a Non-Existing Trigger',
    run: (definition) => {
      const triggers = isJson(definition.triggers) ? definition.triggers : {};
      return operationsOf(definition).flatMap((op) =>
        inputFieldsOf(op).flatMap(({ field, where }) => {
          const dynamic = text(field.dynamic);
          if (dynamic === undefined) return [];
          const [triggerKey = '', idKey, labelKey] = dynamic.split('.');
          const trigger = triggers[triggerKey];
          if (!isJson(trigger))
            return [violation('D005', where, `dynamic "${dynamic}": no trigger "${triggerKey}"`)];
          const operation = isJson(trigger.operation) ? trigger.operation : {};
          const outputKeys = objects(operation.outputFields).map((output) => output.key);
          if (outputKeys.length === 0) return [];
          const missing = [idKey, labelKey].filter((k) => k !== undefined && !outputKeys.includes(k));
          return missing.length > 0
            ? [
                violation(
                  'D005',
                  where,
                  `dynamic "${dynamic}": trigger has no output field ${missing.join(', ')}`,
                ),
              ]
            : [];
        }),
      );
    },
  },
  D006: {
    title: 'REST Hook Trigger Needs a Polling URL',
    run: (definition) =>
      operationsOf(definition)
        .filter(isHook)
        .flatMap((op) =>
          op.operation.performList === undefined
            ? [
                violation(
                  'D006',
                  op.path,
                  'hook trigger without performList (no real sample in the Zap editor)',
                ),
              ]
            : [],
        ),
  },
  D007: {
    title: 'All URLs Should Be HTTPS',
    run: (definition) =>
      stringsIn(definition, 'definition').flatMap(({ path, value }) =>
        /\bhttp:\/\/(?!localhost\b|127\.0\.0\.1\b)/i.test(value)
          ? [violation('D007', path, `uses plain http: ${value.slice(0, 80)}`)]
          : [],
      ),
  },
  D008: {
    title: 'Invalid Markdown Link',
    run: (definition) => {
      const texts: { where: string; value: string }[] = [];
      for (const op of operationsOf(definition)) {
        const description = text(op.display.description);
        if (description !== undefined)
          texts.push({ where: `${op.path}.display.description`, value: description });
        for (const { field, where } of inputFieldsOf(op)) {
          const help = text(field.helpText);
          if (help !== undefined) texts.push({ where: `${where}.helpText`, value: help });
        }
      }
      for (const { field, where } of authFieldsOf(definition)) {
        const help = text(field.helpText);
        if (help !== undefined) texts.push({ where: `${where}.helpText`, value: help });
      }
      return texts.flatMap(({ where, value }) => {
        const problem = markdownLinkProblem(value);
        return problem === undefined ? [] : [violation('D008', where, problem)];
      });
    },
  },
  D009: {
    title: 'Requires at Least One Search Field',
    run: (definition) =>
      operationsOf(definition)
        .filter((op) => op.kind === 'searches')
        .flatMap((op) =>
          objects(op.operation.inputFields).some((field) => field.type !== 'copy')
            ? []
            : [violation('D009', op.path, 'search without an input field to search by')],
        ),
  },
  D010: {
    title: 'Missing "ID" Field in Static Sample Data',
    run: (definition) =>
      operationsOf(definition)
        .filter((op) => op.kind === 'triggers' && !isHook(op) && isJson(op.operation.sample))
        .flatMap((op) =>
          isJson(op.operation.sample) && !isBlank(op.operation.sample.id)
            ? []
            : [violation('D010', `${op.path}.operation.sample`, 'polling trigger sample without an "id"')],
        ),
  },
  D011: {
    title: 'Redundant Help Text',
    run: (definition) =>
      [...operationsOf(definition).flatMap(inputFieldsOf), ...authFieldsOf(definition)].flatMap(
        ({ field, where }) => {
          const help = text(field.helpText);
          const label = text(field.label) ?? text(field.key) ?? '';
          return help !== undefined && normalizedWords(help) === normalizedWords(label)
            ? [violation('D011', `${where}.helpText`, `only repeats the label "${label}"`)]
            : [];
        },
      ),
  },
  D012: {
    title: 'Static Sample Is Required',
    run: (definition) =>
      visibleOperations(definition).flatMap((op) =>
        isJson(op.operation.sample) && Object.keys(op.operation.sample).length > 0
          ? []
          : [violation('D012', `${op.path}.operation.sample`, 'visible operation without a static sample')],
      ),
  },
  D013: {
    title: 'Connects to a Non-Existing Search',
    run: (definition) => {
      const searches = isJson(definition.searches) ? definition.searches : {};
      return operationsOf(definition).flatMap((op) =>
        inputFieldsOf(op).flatMap(({ field, where }) => {
          const search = text(field.search);
          if (search === undefined) return [];
          const [searchKey = '', outputKey] = search.split('.');
          const target = searches[searchKey];
          if (!isJson(target))
            return [violation('D013', where, `search "${search}": no search "${searchKey}"`)];
          const operation = isJson(target.operation) ? target.operation : {};
          const known = [
            ...objects(operation.outputFields).map((output) => output.key),
            ...(isJson(operation.sample) ? Object.keys(operation.sample) : []),
          ];
          return outputKey === undefined || known.includes(outputKey)
            ? []
            : [violation('D013', where, `search "${search}": the search returns no "${outputKey}"`)];
        }),
      );
    },
  },
  D014: {
    title: 'Has a Search Connector, but No Dynamic Dropdown',
    run: (definition) =>
      operationsOf(definition).flatMap((op) =>
        inputFieldsOf(op).flatMap(({ field, where }) =>
          typeof field.search === 'string' && typeof field.dynamic !== 'string'
            ? [violation('D014', where, 'has a search connector but no dynamic dropdown')]
            : [],
        ),
      ),
  },
  D015: {
    title: 'Search-Or-Create Connects to a Non-Existing Action/Search',
    run: (definition) => {
      const searches = isJson(definition.searches) ? definition.searches : {};
      const creates = isJson(definition.creates) ? definition.creates : {};
      return searchOrCreatesOf(definition).flatMap(({ key, value }) => {
        const where = `searchOrCreates.${key}`;
        const problems: Violation[] = [];
        if (!isJson(searches[String(value.search)])) {
          problems.push(violation('D015', where, `search "${String(value.search)}" does not exist`));
        }
        if (!isJson(creates[String(value.create)])) {
          problems.push(violation('D015', where, `create "${String(value.create)}" does not exist`));
        }
        if (!isJson(searches[String(value.key)])) {
          problems.push(violation('D015', where, `key "${String(value.key)}" must be a search's key`));
        }
        return problems;
      });
    },
  },
  D016: {
    title: 'Consists Only a Static Webhook',
    run: (definition) => {
      const useful = visibleOperations(definition).filter(
        (op) =>
          !isHook(op) ||
          (op.operation.performSubscribe !== undefined && op.operation.performUnsubscribe !== undefined),
      );
      return useful.length > 0
        ? []
        : [violation('D016', 'definition', 'the integration is nothing but a static webhook')];
    },
  },
  D017: {
    title: 'Static Hook Is Discouraged',
    run: (definition) =>
      operationsOf(definition)
        .filter(isHook)
        .flatMap((op) =>
          op.operation.performSubscribe === undefined || op.operation.performUnsubscribe === undefined
            ? [
                violation(
                  'D017',
                  op.path,
                  'hook trigger without performSubscribe and performUnsubscribe (a static hook)',
                ),
              ]
            : [],
        ),
  },
  D018: {
    title: 'Titlecased Label',
    run: (definition) => {
      const labels = [
        ...visibleOperations(definition).map((op) => ({
          where: `${op.path}.display.label`,
          label: op.display.label,
        })),
        ...searchOrCreatesOf(definition).map(({ key, value }) => ({
          where: `searchOrCreates.${key}.display.label`,
          label: isJson(value.display) ? value.display.label : undefined,
        })),
      ];
      return labels.flatMap(({ where, label }) => {
        const wrong = typeof label === 'string' ? titleCaseProblems(label) : ['(no label)'];
        return wrong.length > 0 ? [violation('D018', where, `not title case: ${wrong.join(', ')}`)] : [];
      });
    },
  },
  D021: {
    title: 'Trigger Description Requirements',
    run: (definition, options) => {
      const triggers = visibleOperations(definition)
        .filter((op) => op.kind === 'triggers')
        .flatMap((op) => {
          const description = text(op.display.description) ?? '';
          return description.startsWith('Triggers when ') && description.endsWith('.')
            ? []
            : [
                violation(
                  'D021',
                  `${op.path}.display.description`,
                  'must start with "Triggers when " and end with "."',
                ),
              ];
        });
      // Zapier's publishing requirements for every description: never the app's own name (Zapier shows it).
      const descriptions = [
        ...visibleOperations(definition).map((op) => ({
          where: `${op.path}.display.description`,
          value: op.display.description,
        })),
        ...searchOrCreatesOf(definition).map(({ key, value }) => ({
          where: `searchOrCreates.${key}.display.description`,
          value: isJson(value.display) ? value.display.description : undefined,
        })),
      ];
      const appName = options.appName.toLowerCase();
      const named = descriptions.flatMap(({ where, value }) =>
        appName !== '' && typeof value === 'string' && value.toLowerCase().includes(appName)
          ? [violation('D021', where, `names the app ("${options.appName}"); Zapier shows it already`)]
          : [],
      );
      return [...triggers, ...named];
    },
  },
  D022: {
    title: 'Creates Should Try to Have Static Input Fields',
    run: (definition) =>
      visibleOperations(definition)
        .filter((op) => op.kind === 'creates')
        .flatMap((op) =>
          objects(op.operation.inputFields).some((field) => field.type !== 'copy')
            ? []
            : [violation('D022', op.path, 'create without static input fields')],
        ),
  },
  D023: {
    title: 'ISO-8601 Date/Time Format in Static Sample',
    run: (definition) =>
      operationsOf(definition).flatMap((op) =>
        dateProblems(op.operation.sample, `${op.path}.operation.sample`, undefined).map((message) =>
          violation('D023', `${op.path}.operation.sample`, message),
        ),
      ),
  },
  D024: {
    title: 'Static Sample Respects Output Field Definition',
    run: (definition) =>
      operationsOf(definition).flatMap((op) => {
        const sample = op.operation.sample;
        if (!isJson(sample)) return [];
        return outputFieldProblems(
          sample,
          objects(op.operation.outputFields),
          `${op.path}.operation.sample`,
        ).map((message) => violation('D024', `${op.path}.operation.sample`, message));
      }),
  },
};

const withDefaults = (options: CheckOptions): Required<CheckOptions> => ({
  appName: options.appName ?? '',
  freeTextIds: options.freeTextIds ?? [],
});

/** Runs the D checks (all, or the ids in `only`) on a definition. */
export const checkDefinition = (
  definition: unknown,
  options: CheckOptions = {},
  only: readonly string[] = Object.keys(DEFINITION_CHECKS),
): Violation[] => {
  if (!isJson(definition)) return [violation('definition', 'definition', 'is not an object')];
  const resolved = withDefaults(options);
  return only.flatMap((id) => DEFINITION_CHECKS[id]?.run(definition, resolved) ?? []);
};

// --------------------------------------------------------------------------------------- the T and Z checks

type LiveCheck = (definition: Json, results: readonly LiveResult[]) => Violation[];

const operationFor = (definition: Json, result: LiveResult): Operation | undefined =>
  operationsOf(definition).find((op) => op.kind === result.kind && op.key === result.key);

const resultWhere = (result: LiveResult, index?: number): string =>
  `${result.kind}.${result.key} ${result.method}${result.case ? ` (${result.case})` : ''}${index === undefined ? '' : ` [${index}]`}`;

const liveRuns = (results: readonly LiveResult[]): LiveResult[] =>
  results.filter((r) => r.method === 'perform');

/** The T and Z checks, by id, with Zapier's title. */
export const LIVE_CHECKS: Record<string, { title: string; run: LiveCheck }> = {
  T002: {
    title: 'Missing "ID" Field in Live Polling Results',
    run: (definition, results) =>
      liveRuns(results).flatMap((result) => {
        const op = operationFor(definition, result);
        if (op?.kind !== 'triggers' || isHook(op)) return [];
        return result.items.flatMap((item, index) =>
          isBlank(item.id)
            ? [violation('T002', resultWhere(result, index), 'polling result without an "id"')]
            : [],
        );
      }),
  },
  T003: {
    title: 'ISO-8601 Date/Time Format in Zap History',
    run: (_definition, results) =>
      results.flatMap((result) =>
        result.items.flatMap((item, index) =>
          dateProblems(item, 'result', undefined).map((message) =>
            violation('T003', resultWhere(result, index), message),
          ),
        ),
      ),
  },
  T004: {
    title: 'Static Sample Contains a Subset of Keys from Live Result',
    run: (definition, results) =>
      liveRuns(results).flatMap((result) => {
        const sample = operationFor(definition, result)?.operation.sample;
        if (!isJson(sample)) return [];
        return result.items.flatMap((item, index) => {
          const missing = Object.keys(sample).filter((key) => !(key in item));
          return missing.length > 0
            ? [
                violation(
                  'T004',
                  resultWhere(result, index),
                  `static sample keys missing from the live result: ${missing.join(', ')}`,
                ),
              ]
            : [];
        });
      }),
  },
  T005: {
    title: 'Live Trigger Result Respects Output Field Definition (applied to creates and searches as well)',
    run: (definition, results) =>
      liveRuns(results).flatMap((result) => {
        const fields = objects(operationFor(definition, result)?.operation.outputFields);
        return result.items.flatMap((item, index) =>
          outputFieldProblems(item, fields, 'result').map((message) =>
            violation('T005', resultWhere(result, index), message),
          ),
        );
      }),
  },
  T006: {
    title: 'Polling Sample Contains a Subset of Keys from Live Result',
    run: (_definition, results) =>
      results
        .filter((result) => result.method === 'performList')
        .flatMap((sample) => {
          const live = liveRuns(results).filter(
            (run) => run.kind === sample.kind && run.key === sample.key && run.case === sample.case,
          );
          const liveKeys = new Set(live.flatMap((run) => run.items.flatMap((item) => Object.keys(item))));
          if (live.every((run) => run.items.length === 0)) {
            return sample.items.length > 0
              ? [
                  violation(
                    'T006',
                    resultWhere(sample),
                    'no live run of the same trigger and case to compare with',
                  ),
                ]
              : [];
          }
          return sample.items.flatMap((item, index) => {
            const extra = Object.keys(item).filter((key) => !liveKeys.has(key));
            return extra.length > 0
              ? [
                  violation(
                    'T006',
                    resultWhere(sample, index),
                    `polling sample keys the live payload lacks: ${extra.join(', ')}`,
                  ),
                ]
              : [];
          });
        }),
  },
  Z001: {
    title: 'Polling Sample Respects Output Field Definition',
    run: (definition, results) =>
      results
        .filter((result) => result.method === 'performList')
        .flatMap((result) => {
          const fields = objects(operationFor(definition, result)?.operation.outputFields);
          return result.items.flatMap((item, index) =>
            outputFieldProblems(item, fields, 'sample').map((message) =>
              violation('Z001', resultWhere(result, index), message),
            ),
          );
        }),
  },
};

/** Runs the T and Z checks (all, or the ids in `only`) on live results of the app defined by `definition`. */
export const checkLiveResults = (
  definition: unknown,
  results: readonly LiveResult[],
  only: readonly string[] = Object.keys(LIVE_CHECKS),
): Violation[] => {
  if (!isJson(definition)) return [violation('definition', 'definition', 'is not an object')];
  const unknown = results.filter((result) => !operationFor(definition, result));
  return [
    ...unknown.map((result) =>
      violation('results', resultWhere(result), 'no such operation in the definition'),
    ),
    ...only.flatMap((id) => LIVE_CHECKS[id]?.run(definition, results) ?? []),
  ];
};

// ---------------------------------------------------------------------------------------------- the fixture

/** Reads a live-results fixture, refusing anything that is not in the documented shape. */
export const parseLiveResults = (value: unknown): LiveResultsFile => {
  if (!isJson(value) || typeof value.capturedAt !== 'string' || typeof value.source !== 'string') {
    throw new Error('live results: expected {capturedAt, source, results}');
  }
  const results = Array.isArray(value.results) ? value.results : undefined;
  if (!results) throw new Error('live results: "results" is not an array');
  return {
    capturedAt: value.capturedAt,
    source: value.source,
    results: results.map((entry, index) => {
      const where = `live results[${index}]`;
      if (!isJson(entry)) throw new Error(`${where} is not an object`);
      const { kind, key, method, items } = entry;
      if (kind !== 'triggers' && kind !== 'creates' && kind !== 'searches') throw new Error(`${where}.kind`);
      if (typeof key !== 'string') throw new Error(`${where}.key`);
      if (method !== 'perform' && method !== 'performList') throw new Error(`${where}.method`);
      if (!Array.isArray(items) || !items.every(isJson))
        throw new Error(`${where}.items is not an array of objects`);
      return { kind, key, method, items, ...(typeof entry.case === 'string' ? { case: entry.case } : {}) };
    }),
  };
};

const SENSITIVE_KEY = /password|secret|token|sessionKey|cardNumber|cardSecurityCode|achAccountNumber|^iban$/i;

const passesLuhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
};

/**
 * Paths in `value` that hold something a fixture must never contain: a credential or token, or a card or account
 * number (a key named for one with a value, or a 13–19 digit run that passes the Luhn check).
 */
export const sensitiveValues = (value: unknown, path = 'fixture'): string[] => {
  if (Array.isArray(value)) return value.flatMap((item, index) => sensitiveValues(item, `${path}[${index}]`));
  if (isJson(value)) {
    return Object.entries(value).flatMap(([key, item]) => {
      const at = `${path}.${key}`;
      if (SENSITIVE_KEY.test(key) && !isBlank(item)) return [at];
      return sensitiveValues(item, at);
    });
  }
  if (typeof value === 'string' || typeof value === 'number') {
    const runs = String(value).match(/(?<!\d)\d{13,19}(?!\d)/g) ?? [];
    return runs.some(passesLuhn) ? [path] : [];
  }
  return [];
};
