import { describe, expect, it } from 'vitest';
import { choiceList, choiceOptions, choicesPath, selectedOption } from './settingsChoices';

describe('settings choices', () => {
  it('offers the list when the saved value is in it', () => {
    const opts = choiceOptions(['Open', 'Sent', 'Paid'], 'Sent');
    expect(opts.map((o) => o.value)).toEqual(['Open', 'Sent', 'Paid']);
    expect(selectedOption(opts, 'Sent')).toEqual({ label: 'Sent', value: 'Sent' });
  });

  it('keeps a saved value the list lacks, first and marked', () => {
    const opts = choiceOptions(['Open', 'Paid'], 'Settled');
    expect(opts[0]).toEqual({ label: 'Settled (not offered)', value: 'Settled' });
    expect(opts).toHaveLength(3);
    expect(selectedOption(opts, 'Settled')?.value).toBe('Settled');
  });

  it('matches a saved value in another case without adding it', () => {
    const opts = choiceOptions(['Open', 'Paid'], 'paid');
    expect(opts).toHaveLength(2);
    expect(selectedOption(opts, 'paid')?.value).toBe('Paid');
  });

  it('adds nothing for an empty value', () => {
    const opts = choiceOptions(['UTC'], '');
    expect(opts).toEqual([{ label: 'UTC', value: 'UTC' }]);
    expect(selectedOption(opts, '')).toBeNull();
  });

  it('offers lists only for the choice fields, once loaded', () => {
    const choices = { statuses: ['Open'], currencies: ['EUR'], timezones: ['UTC'] };
    expect(choiceList(choices, 'statuses.void')).toEqual(['Open']);
    expect(choiceList(choices, 'currency')).toEqual(['EUR']);
    expect(choiceList(choices, 'timezone')).toEqual(['UTC']);
    expect(choiceList(choices, 'billingProjectKey')).toEqual([]);
    expect(choiceList(undefined, 'currency')).toEqual([]);
  });

  it('asks for the saved project or the one named', () => {
    expect(choicesPath('')).toBe('/settings/choices');
    expect(choicesPath(' BILL ')).toBe('/settings/choices?project=BILL');
    expect(choicesPath('A&B')).toBe('/settings/choices?project=A%26B');
  });
});
