// Entry point: styles, then the app into #app.
import { render } from 'preact';
import './styles/tokens.css';
import './styles/base.css';
import { App } from './app.js';

const root = document.getElementById('app');
if (root) render(<App />, root);
