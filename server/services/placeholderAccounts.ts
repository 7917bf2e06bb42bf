/**
 * Placeholder accounts: a project import makes one for each coder of the file who has no account
 * here, so their layer has an owner and their name shows in members and agreement. They can never
 * sign in, and they go when the project they were made for is deleted (SPEC E4).
 */

/** Placeholder accounts live under the reserved `.invalid` domain, which no mail reaches (RFC 2606). */
const placeholderEmailDomain = 'imported.invalid';

export const placeholderEmail = (id: string) => `imported-${id}@${placeholderEmailDomain}`;

export const isPlaceholderEmail = (email: string) => email.toLowerCase().endsWith(`@${placeholderEmailDomain}`);
