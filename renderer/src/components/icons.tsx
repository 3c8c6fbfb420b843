// A few 16 px line icons, drawn here so the screens need no icon package (and nothing the CSP would block).
import type { ReactNode } from 'react';

function Icon({ children, className }: { children: ReactNode; className?: string | undefined }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

type P = { className?: string };

export const DashboardIcon = (p: P) => (
  <Icon {...p}>
    <rect x="2" y="2" width="5" height="6" rx="1" />
    <rect x="9" y="2" width="5" height="3" rx="1" />
    <rect x="2" y="10" width="5" height="4" rx="1" />
    <rect x="9" y="7" width="5" height="7" rx="1" />
  </Icon>
);
export const ProjectsIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2 4.5A1.5 1.5 0 0 1 3.5 3h3l1.5 1.5h4.5A1.5 1.5 0 0 1 14 6v5.5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11.5z" />
  </Icon>
);
export const TokensIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="5.5" cy="10.5" r="3" />
    <path d="M7.7 8.3 13.5 2.5M11 5l1.5 1.5M12.5 3.5 14 5" />
  </Icon>
);
export const CacheIcon = (p: P) => (
  <Icon {...p}>
    <ellipse cx="8" cy="4" rx="5" ry="2" />
    <path d="M3 4v8c0 1.1 2.2 2 5 2s5-.9 5-2V4M3 8c0 1.1 2.2 2 5 2s5-.9 5-2" />
  </Icon>
);
export const AuditIcon = (p: P) => (
  <Icon {...p}>
    <path d="M4 2.5h6l2.5 2.5v8.5H4z" />
    <path d="M6 7h4.5M6 9.5h4.5M6 12h2.5" />
  </Icon>
);
export const RequestsIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2.5 4h11M2.5 8h11M2.5 12h7" />
    <path d="M12 10.5l2 1.5-2 1.5" />
  </Icon>
);
export const SettingsIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2.5 4.5h7M12.5 4.5h1M2.5 11.5h1M6.5 11.5h7" />
    <circle cx="11" cy="4.5" r="1.5" />
    <circle cx="5" cy="11.5" r="1.5" />
  </Icon>
);
export const AdminsIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="6" cy="5.5" r="2.5" />
    <path d="M1.5 13.5c.5-2.5 2.3-4 4.5-4s4 1.5 4.5 4" />
    <path d="M11 3.2a2.3 2.3 0 0 1 0 4.6M12.5 9.8c1.1.6 1.8 1.9 2 3.7" />
  </Icon>
);
export const PlusIcon = (p: P) => (
  <Icon {...p}>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);
export const CopyIcon = (p: P) => (
  <Icon {...p}>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
    <path d="M10.5 5.5V4A1.5 1.5 0 0 0 9 2.5H4A1.5 1.5 0 0 0 2.5 4v5A1.5 1.5 0 0 0 4 10.5h1.5" />
  </Icon>
);
export const CheckIcon = (p: P) => (
  <Icon {...p}>
    <path d="m3 8.5 3 3 7-7" />
  </Icon>
);
export const SignOutIcon = (p: P) => (
  <Icon {...p}>
    <path d="M6.5 13.5h-3a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h3M10.5 11l3-3-3-3M13.5 8H6" />
  </Icon>
);
export const CloseIcon = (p: P) => (
  <Icon {...p}>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Icon>
);
export const DownloadIcon = (p: P) => (
  <Icon {...p}>
    <path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10" />
  </Icon>
);
export const ChevronLeftIcon = (p: P) => (
  <Icon {...p}>
    <path d="m10 3.5-4.5 4.5 4.5 4.5" />
  </Icon>
);
export const ChevronRightIcon = (p: P) => (
  <Icon {...p}>
    <path d="m6 3.5 4.5 4.5-4.5 4.5" />
  </Icon>
);
export const AlertIcon = (p: P) => (
  <Icon {...p}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 4.8v3.7M8 10.9v.1" />
  </Icon>
);
export const LogoMark = ({ className }: P) => (
  <svg className={className ? `logo ${className}` : 'logo'} viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
    <rect x="1" y="1" width="22" height="22" rx="6" className="logo-bg" />
    <path
      d="M7 16.5V7.5M7 16.5h4M13.5 16.5V7.5h2.25a2.5 2.5 0 0 1 0 5H13.5"
      className="logo-fg"
      fill="none"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);
export const MenuIcon = (p: P) => (
  <Icon {...p}>
    <path d="M2.5 4h11M2.5 8h11M2.5 12h11" />
  </Icon>
);
