// zapier-platform-schema ships no type declarations; this is the one function the tests use.
declare module 'zapier-platform-schema' {
  export interface ValidationError {
    property: string;
    message: string;
    stack: string;
  }
  export function validateAppDefinition(definition: unknown): { errors: ValidationError[] };
}
