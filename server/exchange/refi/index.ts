/** REFI-QDA interchange (.qdpx projects, .qdc codebooks) as pure functions over the neutral model. */
export { type RefiImport, type RefiImportLimits, type RefiImportReport, readQdc, readQdpx } from './read';
export { consensusUserName, type RefiExportOptions, writeQdc, writeQde, writeQdpx } from './write';
