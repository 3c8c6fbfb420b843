// Entry point: mounts the app. Styles are imported here so Vite emits them as files (the CSP allows no inline styles).
import './lib/zod-without-eval.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/tables.css';
import './styles/screens.css';
import './styles/live.css';
import './styles/limits.css';
import './styles/money.css';
import './styles/keys.css';
import './styles/admins.css';
import './styles/hints.css';
import './styles/responsive.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
