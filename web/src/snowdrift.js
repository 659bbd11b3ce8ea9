// The Snow drift page: Tabler (2003) snow transport and fence height per snow year at a point.
import { applyTheme, pageNav, themeButton, $ } from './common.js';

applyTheme();
pageNav('/snowdrift');
themeButton();
$('status').textContent = 'This page is being built.';
