import type { SettingsChoices } from '../api/types';

/** The settings fields offered as choices, by path, and their list. */
export const CHOICE_FIELDS: Record<string, keyof SettingsChoices> = {
  'statuses.open': 'statuses',
  'statuses.overdue': 'statuses',
  'statuses.paid': 'statuses',
  'statuses.void': 'statuses',
  currency: 'currencies',
  timezone: 'timezones',
};

/** choiceList is the list offered for the field at path: empty for a
 * free-text field or while no choices are loaded. */
export function choiceList(choices: SettingsChoices | undefined, path: string): string[] {
  const key = CHOICE_FIELDS[path];
  return key && choices ? choices[key] : [];
}

export interface ChoiceOption {
  label: string;
  value: string;
}

/** choiceOptions lists a field's choices; a saved value the list lacks
 * (matched without regard to case) stays first, marked, so the form never
 * hides what is stored. */
export function choiceOptions(list: string[], value: string): ChoiceOption[] {
  const options = list.map((v) => ({ label: v, value: v }));
  if (value !== '' && !list.some((v) => v.toLowerCase() === value.toLowerCase())) {
    options.unshift({ label: `${value} (not offered)`, value });
  }
  return options;
}

/** selectedOption is the option matching value (ignoring case), if any. */
export function selectedOption(options: ChoiceOption[], value: string): ChoiceOption | null {
  return options.find((o) => o.value === value) ?? options.find((o) => o.value.toLowerCase() === value.toLowerCase()) ?? null;
}

/** choicesPath is the API path for the choices of project (the saved
 * billing project when empty). */
export function choicesPath(project: string): string {
  const key = project.trim();
  return key === '' ? '/settings/choices' : `/settings/choices?project=${encodeURIComponent(key)}`;
}
