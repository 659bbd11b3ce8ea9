// The Map of the price areas page: the price areas coloured by a dataset, and a point picked by a click.
import { applyTheme, pageNav, themeButton, $ } from './common.js';

applyTheme();
pageNav('/map');
themeButton();
$('status').textContent = 'This page is being built.';
