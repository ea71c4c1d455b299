// The elements: one import registers <presence-dot>, <presence-status>, <online-now>, <presence-here> and <presence-typing>.
import '@presence-kit/elements/define';
import './styles.css';
import { wireGallery } from './gallery.js';
import { wireMenus } from './menus.js';
import { wireRooms } from './rooms.js';
import { wireSimulator } from './simulator.js';
import { wireThemeToggle } from './theme.js';
import { wireToasts } from './toasts.js';

wireThemeToggle(document);
wireSimulator(document);
wireGallery(document);
wireMenus(document);
wireToasts(document);
wireRooms(document);
