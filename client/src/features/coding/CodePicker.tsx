/**
 * The code picker that opens at a selection: type to search, recent codes first, 1–9 apply the
 * most used codes, Enter applies the highlighted option, and a new code can be created inline
 * when the user may edit the codebook. A combobox with a listbox, fully usable by keyboard.
 */
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Code } from '../../../../shared/collab/schema';
import { codeTree } from '../codebook/codebook';

type PickerOption = { kind: 'code'; code: Code; path: string; shortcut: number | null; recent: boolean } | { kind: 'create'; name: string };

export interface CodePickerProps {
  codes: Code[];
  recentIds: string[];
  usage: Map<string, number>;
  canCreate: boolean;
  position: { left: number; top: number };
  quote: string;
  onApply: (codeId: string) => void;
  onCreate: (name: string) => Promise<void>;
  /** `returnFocus` is false when focus already moved elsewhere (a click outside). */
  onClose: (returnFocus: boolean) => void;
}

const shortcutCount = 9;

export function CodePicker({ codes, recentIds, usage, canCreate, position, quote, onApply, onCreate, onClose }: CodePickerProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();

  const entries = useMemo(() => codeTree(codes).filter((entry) => !entry.code.archived), [codes]);
  const shortcuts = useMemo(() => {
    const byUse = [...entries]
      .filter((entry) => (usage.get(entry.code.id) ?? 0) > 0)
      .sort((a, b) => (usage.get(b.code.id) ?? 0) - (usage.get(a.code.id) ?? 0));
    const ordered = [
      ...byUse.map((entry) => entry.code.id),
      ...recentIds,
      ...entries.map((entry) => entry.code.id),
    ];
    return [...new Set(ordered)].filter((id) => entries.some((entry) => entry.code.id === id)).slice(0, shortcutCount);
  }, [entries, usage, recentIds]);

  const options = useMemo<PickerOption[]>(() => {
    const needle = query.trim().toLowerCase();
    const toOption = (entry: (typeof entries)[number]): PickerOption => {
      const shortcutIndex = shortcuts.indexOf(entry.code.id);
      return {
        kind: 'code',
        code: entry.code,
        path: entry.path,
        shortcut: shortcutIndex >= 0 ? shortcutIndex + 1 : null,
        recent: recentIds.includes(entry.code.id),
      };
    };
    if (!needle) {
      const recent = recentIds.map((id) => entries.find((entry) => entry.code.id === id)).filter((entry) => entry !== undefined);
      const rest = entries.filter((entry) => !recentIds.includes(entry.code.id));
      return [...recent, ...rest].map(toOption);
    }
    const matches = entries
      .filter((entry) => entry.path.toLowerCase().includes(needle))
      .sort((a, b) => Number(!a.code.name.toLowerCase().startsWith(needle)) - Number(!b.code.name.toLowerCase().startsWith(needle)));
    const result: PickerOption[] = matches.map(toOption);
    if (canCreate && !entries.some((entry) => entry.code.name.toLowerCase() === needle)) result.push({ kind: 'create', name: query.trim() });
    return result;
  }, [entries, query, recentIds, shortcuts, canCreate]);

  useEffect(() => {
    inputRef.current?.focus();
  }, []);
  useEffect(() => {
    setActive((current) => Math.min(current, Math.max(0, options.length - 1)));
  }, [options.length]);
  useEffect(() => {
    document.getElementById(`${listId}-option-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  const choose = async (option: PickerOption | undefined) => {
    if (!option) return;
    if (option.kind === 'code') {
      onApply(option.code.id);
      return;
    }
    try {
      await onCreate(option.name);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((current) => (current + 1) % Math.max(1, options.length));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current) => (current - 1 + options.length) % Math.max(1, options.length));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      void choose(options[active]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose(true);
    } else if (query === '' && /^[1-9]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      const codeId = shortcuts[Number(event.key) - 1];
      if (codeId) {
        event.preventDefault();
        onApply(codeId);
      }
    }
  };

  const firstRestIndex = query ? -1 : options.findIndex((option) => option.kind === 'code' && !option.recent);
  return (
    <div className="picker card" role="dialog" aria-label="Apply a code to the selected words" style={{ left: position.left, top: position.top }} data-testid="code-picker">
      <p className="picker-quote" title={quote}>
        “{quote.length > 90 ? `${quote.slice(0, 90)}…` : quote}”
      </p>
      <input
        ref={inputRef}
        className="picker-input"
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={options.length > 0 ? `${listId}-option-${active}` : undefined}
        aria-label="Search codes"
        placeholder={canCreate ? 'Search or name a new code…' : 'Search codes…'}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
          setError(null);
        }}
        onKeyDown={onKeyDown}
        onBlur={(event) => {
          if (!event.currentTarget.closest('.picker')?.contains(event.relatedTarget as Node | null)) onClose(false);
        }}
      />
      <div className="picker-list" role="listbox" id={listId} aria-label="Codes">
        {options.length === 0 && (
          <p className="picker-empty">
            {entries.length === 0 ? 'The codebook is empty.' : 'No code matches.'}
            {!canCreate && ' Ask an owner or adjudicator to add codes.'}
          </p>
        )}
        {options.map((option, index) => (
          <div
            key={option.kind === 'code' ? option.code.id : 'create'}
            tabIndex={-1}
            id={`${listId}-option-${index}`}
            role="option"
            aria-selected={index === active}
            className={`picker-option${index === active ? ' active' : ''}${index === firstRestIndex && index > 0 ? ' separated' : ''}`}
            onMouseDown={(event) => {
              event.preventDefault();
              void choose(option);
            }}
            onMouseMove={() => setActive(index)}
          >
            {option.kind === 'code' ? (
              <>
                <span className="code-swatch" style={{ background: option.code.color }} aria-hidden="true" />
                <span className="picker-name">
                  {option.code.name}
                  {option.path !== option.code.name && <span className="picker-path">{option.path.slice(0, -option.code.name.length - 3)}</span>}
                </span>
                {option.recent && !query && <span className="picker-tag">recent</span>}
                {option.shortcut !== null && (
                  <kbd className="picker-kbd" aria-label={`shortcut ${option.shortcut}`}>
                    {option.shortcut}
                  </kbd>
                )}
              </>
            ) : (
              <>
                <span className="code-swatch new" aria-hidden="true">
                  +
                </span>
                <span className="picker-name">
                  Create code “{option.name}”
                </span>
              </>
            )}
          </div>
        ))}
      </div>
      {error && (
        <p className="form-error small" role="alert">
          {error}
        </p>
      )}
      <p className="picker-hint" aria-hidden="true">
        <kbd>↑</kbd>
        <kbd>↓</kbd> choose · <kbd>Enter</kbd> apply · <kbd>1</kbd>–<kbd>9</kbd> most used · <kbd>Esc</kbd> close
      </p>
    </div>
  );
}
