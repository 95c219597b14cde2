// Notes document names: the one parser lives with the REST schemas in shared/protocol/notes.ts.
export { DOC_SHAPE, numberedDoc, parseDocName, type NumberedKind } from '../../shared/protocol/notes.js';
