// The Weather page: hourly ERA5 weather at a price area or point, beside the energy series.
import { applyTheme, pageNav, themeButton, $ } from './common.js';

applyTheme();
pageNav('/weather');
themeButton();
$('status').textContent = 'This page is being built.';
