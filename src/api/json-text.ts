// JSON text of the patches the mutating webhook answers with. A bench's patch is mostly the
// operator config's defaults (component resources, Redis, the database reference): the same
// deep-frozen objects on every request, shared by the defaulted object (defaults/recorder.ts).
// Their text is computed once per object and remembered; the rest is written as JSON.stringify
// would write it.

export class JsonTexts {
  // Weak: a config replaced at run time takes its texts with it.
  private readonly remembered = new WeakMap<object, string>();

  /** The text JSON.stringify gives for a JSON value (plain data: objects, arrays, primitives). */
  of(value: unknown): string {
    if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
    const known = this.remembered.get(value);
    if (known !== undefined) return known;
    if (isDeepFrozen(value)) {
      const text = JSON.stringify(value);
      this.remembered.set(value, text);
      return text;
    }
    if (Array.isArray(value)) return `[${value.map((item) => this.of(item)).join(',')}]`;
    let text = '';
    for (const key in value) {
      const member = (value as Record<string, unknown>)[key];
      if (member === undefined || typeof member === 'function') continue;
      text += `${text === '' ? '' : ','}${JSON.stringify(key)}:${this.of(member)}`;
    }
    return `{${text}}`;
  }
}

/** Frozen, and so is everything below it: its text can never change. */
function isDeepFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const member of Object.values(value))
    if (typeof member === 'object' && member !== null && !isDeepFrozen(member)) return false;
  return true;
}
