#!/usr/bin/env node
import { createDocusnapApp } from '../lib/app';

createDocusnapApp().app.synth();
