// TypeDoc plugin for `npm run docs:check`: every runtime export (function, class, variable) of a
// subpath must carry an `@example` in its JSDoc, on the declaration or on one of its signatures.
// A missing one is a warning, which `treatWarningsAsErrors` in typedoc.json turns into a failure.
import { Application, ReflectionKind } from 'typedoc';

export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const kinds = ReflectionKind.Function | ReflectionKind.Class | ReflectionKind.Variable;
    for (const r of project.getReflectionsByKind(kinds)) {
      if (!r.parent?.kindOf(ReflectionKind.Module)) continue;
      const comments = [r.comment, ...(r.signatures ?? []).map((s) => s.comment)];
      if (!comments.some((c) => c?.getTag('@example'))) {
        app.logger.warn(`${r.getFriendlyFullName()} (${ReflectionKind[r.kind]}) has no @example`);
      }
    }
  });
}
