/**
 * Jira's own limits: a summary is at most 255 characters, a text field (the description, a
 * comment) at most 32,767 (Cloud counts an ADF document's JSON); a label at most 255 characters,
 * without spaces.
 */
export const JIRA_LIMITS = { summaryChars: 255, textChars: 32_767, labelChars: 255 } as const;
