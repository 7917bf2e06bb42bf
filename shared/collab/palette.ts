/** Code colours: distinct from one another and legible as highlight backgrounds behind dark text. */
export const codeColours = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'] as const;

/** The colour of a code at a position, cycling through the palette. */
export const codeColourAt = (position: number): string => codeColours[position % codeColours.length];

/** Shown for a coding whose code is unknown to this replica (deleted, or not synced yet). */
export const unknownCodeColour = '#888888';
