#!/bin/sh
echo "a script kept in the image"
