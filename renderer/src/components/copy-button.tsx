// Copies a value and says so for two seconds.
import { useEffect, useState } from 'react';
import { copyText } from '../lib/clipboard.ts';
import { CheckIcon, CopyIcon } from './icons.tsx';

export function CopyButton({ text, label = 'Copy', className, onCopied }: { text: string; label?: string; className?: string; onCopied?: () => void }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className={['btn', className ?? ''].join(' ').trim()}
      onClick={async () => {
        const ok = await copyText(text);
        setState(ok ? 'copied' : 'failed');
        if (ok) onCopied?.();
      }}
    >
      {state === 'copied' ? <CheckIcon /> : <CopyIcon />}
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy' : label}</span>
    </button>
  );
}
